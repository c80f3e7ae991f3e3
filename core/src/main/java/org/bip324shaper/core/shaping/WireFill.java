package org.bip324shaper.core.shaping;

import org.bip324shaper.core.ProtocolLimits;

/** Fills a gap in a write with decoys, exactly. */
final class WireFill {

    /** The largest decoy, in wire bytes. */
    private static final long MAX_DECOY_WIRE = ProtocolLimits.MAX_PACKET_CONTENTS + ProtocolLimits.PACKET_OVERHEAD;

    private WireFill() {
    }

    /** Whether decoys can fill {@code gap} wire bytes exactly: none for 0, else each decoy costs at least 20. */
    static boolean isFillable(long gap) {
        return gap == 0 || gap >= ProtocolLimits.PACKET_OVERHEAD;
    }

    /** Appends decoys of exactly {@code gap} wire bytes in total (several if one would exceed the packet limit). */
    static void fill(Flush.Builder out, long gap) {
        if (!isFillable(gap)) {
            throw new IllegalStateException("a gap of " + gap + " wire bytes cannot be filled with decoys");
        }
        long left = gap;
        while (left > 0) {
            long piece = Math.min(left, MAX_DECOY_WIRE);
            if (!isFillable(left - piece)) {
                piece -= ProtocolLimits.PACKET_OVERHEAD;
            }
            out.decoy((int) (piece - ProtocolLimits.PACKET_OVERHEAD));
            left -= piece;
        }
    }
}

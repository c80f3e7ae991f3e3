package org.bip324shaper.core.shaping;

/** Fills a gap in a write with decoys, exactly. */
final class WireFill {

    /** The largest decoy, in wire bytes. */
    private static final long MAX_DECOY_WIRE = ShapingLimits.MAX_PACKET_CONTENTS_LENGTH + ShapingLimits.PACKET_OVERHEAD;

    private WireFill() {
    }

    /** Whether decoys can fill {@code gap} wire bytes exactly: none for 0, else each decoy costs at least 20. */
    static boolean isFillable(long gap) {
        return gap == 0 || gap >= ShapingLimits.PACKET_OVERHEAD;
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
                piece -= ShapingLimits.PACKET_OVERHEAD;
            }
            out.decoy((int) (piece - ShapingLimits.PACKET_OVERHEAD));
            left -= piece;
        }
    }
}

package org.bip324shaper.core.shaping;

import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.core.ProtocolLimits;

/**
 * How the driver shapes its side of the BIP-324 handshake: how much random garbage follows the public key, and the
 * decoy packets (contents lengths, in order) sent after the garbage terminator and before the version packet.
 *
 * @param garbageLength             0..{@value ShapingLimits#MAX_GARBAGE_LENGTH} bytes, filled by the driver from
 *                                  a {@link java.security.SecureRandom}
 * @param decoyLengthsBeforeVersion contents length of each decoy before the version packet
 */
public record HandshakeShape(int garbageLength, List<Integer> decoyLengthsBeforeVersion) {

    /** No garbage, no decoys: a plain handshake. */
    public static final HandshakeShape NONE = new HandshakeShape(0, List.of());

    public HandshakeShape {
        if (garbageLength < 0 || garbageLength > ProtocolLimits.MAX_GARBAGE_LENGTH) {
            throw new IllegalArgumentException("garbage length must be in 0.." + ProtocolLimits.MAX_GARBAGE_LENGTH
                    + " (BIP-324), was " + garbageLength);
        }
        decoyLengthsBeforeVersion = List.copyOf(decoyLengthsBeforeVersion);
        for (int length : decoyLengthsBeforeVersion) {
            ShapingLimits.checkContentsLength("handshake decoy length", length);
        }
    }

    /**
     * Combines two strategies' proposals: the longer garbage (so the sum can never pass the BIP-324 limit and neither
     * strategy is weakened), then this shape's decoys followed by the other's.
     */
    public HandshakeShape merge(HandshakeShape other) {
        if (other.equals(NONE)) {
            return this;
        }
        if (equals(NONE)) {
            return other;
        }
        List<Integer> decoys = new ArrayList<>(decoyLengthsBeforeVersion);
        decoys.addAll(other.decoyLengthsBeforeVersion);
        return new HandshakeShape(Math.max(garbageLength, other.garbageLength), decoys);
    }

    /** Sum of the handshake decoys' contents lengths. */
    public long decoyBytes() {
        long bytes = 0;
        for (int length : decoyLengthsBeforeVersion) {
            bytes += length;
        }
        return bytes;
    }
}

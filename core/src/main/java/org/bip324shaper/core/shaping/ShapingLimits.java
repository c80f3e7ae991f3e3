package org.bip324shaper.core.shaping;

/** Protocol limits every shaping decision stays within. */
public final class ShapingLimits {

    /** BIP-324 allows at most 4095 bytes of garbage before the garbage terminator. */
    public static final int MAX_GARBAGE_LENGTH = 4095;

    /**
     * The largest packet contents a peer accepts: Bitcoin Core's {@code V2Transport} disconnects on a larger length
     * (1 type byte + 12-byte long message type + 4,000,000-byte payload), before it can know the packet is a decoy.
     */
    public static final int MAX_PACKET_CONTENTS_LENGTH = 1 + 12 + 4_000_000;

    /** Bytes a packet adds to its contents on the wire: 3-byte length, 1-byte header, 16-byte Poly1305 tag. */
    public static final int PACKET_OVERHEAD = 20;

    private ShapingLimits() {
    }

    /** Checks a packet contents length chosen by a strategy or a driver. */
    static int checkContentsLength(String what, long length) {
        if (length < 0 || length > MAX_PACKET_CONTENTS_LENGTH) {
            throw new IllegalArgumentException(what + " must be in 0.." + MAX_PACKET_CONTENTS_LENGTH
                    + " bytes of packet contents, was " + length);
        }
        return (int) length;
    }
}

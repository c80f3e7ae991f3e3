package org.bip324shaper.core.shaping;

import org.bip324shaper.core.ProtocolLimits;

/** Checks that a length a strategy or driver chose stays within {@link ProtocolLimits}. */
final class ShapingLimits {
    private ShapingLimits() {
    }

    /** Checks a packet contents length chosen by a strategy or a driver. */
    static int checkContentsLength(String what, long length) {
        if (length < 0 || length > ProtocolLimits.MAX_PACKET_CONTENTS) {
            throw new IllegalArgumentException(what + " must be in 0.." + ProtocolLimits.MAX_PACKET_CONTENTS
                    + " bytes of packet contents, was " + length);
        }
        return (int) length;
    }
}

package org.bip324shaper.core.shaping;

import org.bip324shaper.core.ProtocolLimits;

/** One packet of a {@link Flush}: either the next queued genuine packet or a decoy the driver makes up. */
public sealed interface WireItem permits WireItem.Genuine, WireItem.Decoy {

    /** The only {@link Genuine} there needs to be. */
    Genuine GENUINE = new Genuine();

    /**
     * Send the oldest genuine packet the driver still holds (its FIFO): the shaper never sees genuine contents,
     * only their count and lengths.
     */
    record Genuine() implements WireItem {
    }

    /**
     * Send a decoy packet (ignore bit set) with {@code contentsLength} bytes of contents, which the driver fills
     * with anything (zeros are fine: the cipher hides them). Wire size is {@code contentsLength + 20}.
     */
    record Decoy(int contentsLength) implements WireItem {
        public Decoy {
            ShapingLimits.checkContentsLength("decoy length", contentsLength);
        }

        public int wireLength() {
            return contentsLength + ProtocolLimits.PACKET_OVERHEAD;
        }
    }
}

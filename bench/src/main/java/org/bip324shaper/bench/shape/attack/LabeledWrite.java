package org.bip324shaper.bench.shape.attack;

import java.util.List;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.message.MessageTypes;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A write with the genuine messages it carried: the ground truth of the type attacks.
 *
 * @param write    what the observer saw
 * @param messages the genuine messages in it, in order; empty for decoy-only, garbage and handshake writes
 */
public record LabeledWrite(WireWrite write, List<GenuineMessage> messages) {
    /** The label of a write that carries no genuine message. */
    public static final String NO_MESSAGE = "(none)";

    public LabeledWrite {
        if (write == null) {
            throw new IllegalArgumentException("write is required");
        }
        messages = List.copyOf(messages);
    }

    /**
     * The class an attacker must guess: the type of the largest message carried (the first one on a tie), or
     * {@link #NO_MESSAGE}. One label per write, because the observer sees one size per write; the largest message
     * is the one that shapes that size most.
     */
    public String label() {
        GenuineMessage largest = null;
        for (GenuineMessage m : messages) {
            if (largest == null || m.payloadLength() > largest.payloadLength()) {
                largest = m;
            }
        }
        return largest == null ? NO_MESSAGE : largest.type();
    }

    /** Wire bytes of a genuine message alone: payload + 1-byte ID or 13-byte long type + 20 bytes of packet overhead. */
    public static long wireBytes(GenuineMessage message) {
        int typeBytes = MessageTypes.shortId(message.type()).isPresent() ? 1 : 13;
        return (long) message.payloadLength() + typeBytes + ProtocolLimits.PACKET_OVERHEAD;
    }
}

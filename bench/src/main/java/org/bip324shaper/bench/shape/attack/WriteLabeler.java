package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.Map;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * Decides which write carried which genuine message: a {@link ConnectionTrace} holds both lists but not the link.
 *
 * <p>Two rules, for the two ways a trace can be stamped:
 * <ul>
 *   <li>{@link #sameInstant()}: the producer stamps every message with the time of the write that carried it
 *       (outbound) or of the read that completed it (inbound). Exact; what a simulator should produce. Strict: a
 *       message with no write at its instant is an error.</li>
 *   <li>{@link #carrier(Duration)}: messages are stamped when the application submitted them, and a shaper may have
 *       held them; each goes in the first write at or after its time, in FIFO order, with room for it. A heuristic:
 *       a decoy-only write with room, made while a message was held (e.g. a front decoy), takes the message.</li>
 * </ul>
 */
public interface WriteLabeler {

    /** The writes of {@code direction} in {@code trace}, labelled. */
    Alignment align(ConnectionTrace trace, Direction direction);

    /** Messages are stamped at their write's instant. */
    static WriteLabeler sameInstant() {
        return new SameInstantLabeler();
    }

    /**
     * The link the producer recorded, per trace label and direction (e.g. {@code Replay.alignment} of a simulation):
     * exact, where {@link #sameInstant()} must guess when several writes share an instant.
     */
    static WriteLabeler recorded(Map<String, Map<Direction, Alignment>> links) {
        return new RecordedLabeler(links);
    }

    /** Messages are stamped at submission and may wait up to {@code maxHold} for their write. */
    static WriteLabeler carrier(Duration maxHold) {
        return new CarrierLabeler(maxHold);
    }
}

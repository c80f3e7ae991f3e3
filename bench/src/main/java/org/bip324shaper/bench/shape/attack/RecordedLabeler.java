package org.bip324shaper.bench.shape.attack;

import java.util.Map;
import java.util.Objects;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * The link the producer recorded: which write carried which message, kept per trace label and direction (the
 * simulator's {@code Replay.alignment}). No rule to get wrong: padding, several writes at one instant or cuts change
 * nothing. A trace without a recorded link is an error.
 *
 * @param links per trace label, per direction, the recorded alignment
 */
record RecordedLabeler(Map<String, Map<Direction, Alignment>> links) implements WriteLabeler {

    RecordedLabeler {
        links = Map.copyOf(Objects.requireNonNull(links, "links"));
    }

    @Override
    public Alignment align(ConnectionTrace trace, Direction direction) {
        Map<Direction, Alignment> byDirection = links.get(trace.label());
        Alignment a = byDirection == null ? null : byDirection.get(direction);
        if (a == null) {
            throw new IllegalArgumentException("no recorded link for trace " + trace.label() + " "
                    + direction.code());
        }
        if (a.writes().size() != trace.writes(direction).size()) {
            throw new IllegalArgumentException("the recorded link of " + trace.label() + " " + direction.code()
                    + " has " + a.writes().size() + " writes, the trace " + trace.writes(direction).size());
        }
        return a;
    }
}

package org.bip324shaper.core.trace;

import java.util.Comparator;
import java.util.List;

/**
 * What happened on one connection: the genuine messages (ground truth, may be empty for an imported capture) and the
 * writes on the wire, each sorted by time.
 *
 * @param label    a free-form name (file name, connection id); no spaces or tabs
 * @param messages genuine messages, sorted by time
 * @param writes   wire writes, sorted by time
 */
public record ConnectionTrace(String label, List<GenuineMessage> messages, List<WireWrite> writes) {
    public ConnectionTrace {
        if (label == null || label.isEmpty() || label.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("label must be non-empty without whitespace");
        }
        messages = messages.stream().sorted(Comparator.comparingLong(GenuineMessage::timeNanos)).toList();
        writes = writes.stream().sorted(Comparator.comparingLong(WireWrite::timeNanos)).toList();
    }

    /** The writes going one way. */
    public List<WireWrite> writes(Direction direction) {
        return writes.stream().filter(w -> w.direction() == direction).toList();
    }

    /** The messages going one way. */
    public List<GenuineMessage> messages(Direction direction) {
        return messages.stream().filter(m -> m.direction() == direction).toList();
    }

    /** Time of the last event, in nanoseconds. */
    public long durationNanos() {
        long last = 0;
        if (!messages.isEmpty()) {
            last = messages.get(messages.size() - 1).timeNanos();
        }
        if (!writes.isEmpty()) {
            last = Math.max(last, writes.get(writes.size() - 1).timeNanos());
        }
        return last;
    }
}

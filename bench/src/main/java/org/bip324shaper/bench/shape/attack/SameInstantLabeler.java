package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * The exact rule: a message stamped t went in a write of its direction stamped t. If several writes share that
 * instant, the messages fill them in order, each taking the first write (not before the previous message's) with
 * room left for its wire bytes, else the last write of the instant.
 */
record SameInstantLabeler() implements WriteLabeler {

    @Override
    public Alignment align(ConnectionTrace trace, Direction direction) {
        List<WireWrite> writes = trace.writes(direction);
        List<GenuineMessage> messages = trace.messages(direction);
        long[] room = new long[writes.size()];
        List<List<GenuineMessage>> carried = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            room[i] = writes.get(i).bytes();
            carried.add(new ArrayList<>());
        }
        int unaligned = 0;
        int first = 0;
        int lastUsed = -1;
        for (GenuineMessage m : messages) {
            long t = m.timeNanos();
            while (first < writes.size() && writes.get(first).timeNanos() < t) {
                first++;
            }
            int end = first;
            while (end < writes.size() && writes.get(end).timeNanos() == t) {
                end++;
            }
            if (first == end) {
                unaligned++;
                continue;
            }
            long need = LabeledWrite.wireBytes(m);
            int chosen = end - 1;
            for (int i = Math.max(first, lastUsed); i < end; i++) {
                if (room[i] >= need) {
                    chosen = i;
                    break;
                }
            }
            room[chosen] -= need;
            carried.get(chosen).add(m);
            lastUsed = chosen;
        }
        if (unaligned > 0) {
            throw new IllegalArgumentException("trace " + trace.label() + ": " + unaligned + " of " + messages.size()
                    + " " + direction.code() + " messages have no write at their instant; stamp each message with"
                    + " its write's time, or label with WriteLabeler.carrier(maxHold)");
        }
        List<LabeledWrite> out = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            out.add(new LabeledWrite(writes.get(i), carried.get(i)));
        }
        return new Alignment(out, 0);
    }
}

package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * The submission-time rule: a message went in the first write at or after its time, and not before the write of the
 * message before it (the driver's FIFO), whose remaining bytes can hold it. Messages whose candidate writes all lie
 * beyond {@code maxHold} are counted as unaligned rather than forced.
 *
 * @param maxHold the longest a shaper may hold a message
 */
record CarrierLabeler(Duration maxHold) implements WriteLabeler {

    CarrierLabeler {
        if (maxHold == null || maxHold.isNegative()) {
            throw new IllegalArgumentException("maxHold must be >= 0, got " + maxHold);
        }
    }

    @Override
    public Alignment align(ConnectionTrace trace, Direction direction) {
        List<WireWrite> writes = trace.writes(direction);
        long[] room = new long[writes.size()];
        List<List<GenuineMessage>> carried = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            room[i] = writes.get(i).bytes();
            carried.add(new ArrayList<>());
        }
        long hold = maxHold.toNanos();
        int unaligned = 0;
        int earliest = 0;
        int fifo = 0;
        for (GenuineMessage m : trace.messages(direction)) {
            while (earliest < writes.size() && writes.get(earliest).timeNanos() < m.timeNanos()) {
                earliest++;
            }
            long need = LabeledWrite.wireBytes(m);
            int i = Math.max(earliest, fifo);
            while (i < writes.size() && writes.get(i).timeNanos() - m.timeNanos() <= hold && room[i] < need) {
                i++;
            }
            if (i == writes.size() || writes.get(i).timeNanos() - m.timeNanos() > hold) {
                unaligned++;
                continue;
            }
            room[i] -= need;
            carried.get(i).add(m);
            fifo = i;
        }
        List<LabeledWrite> out = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            out.add(new LabeledWrite(writes.get(i), carried.get(i)));
        }
        return new Alignment(out, unaligned);
    }
}

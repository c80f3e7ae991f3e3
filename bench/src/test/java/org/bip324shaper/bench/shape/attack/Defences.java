package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/** Simple defences for tests, applied as transformations of a trace's writes (and, where writes move, stamps). */
final class Defences {
    private Defences() {
    }

    /** Every write of {@code direction} padded up to a multiple of {@code size}: sizes go, timing stays. */
    static ConnectionTrace padToMultiple(ConnectionTrace trace, Direction direction, int size) {
        List<WireWrite> writes = new ArrayList<>();
        for (WireWrite w : trace.writes()) {
            if (w.direction() == direction) {
                int padded = (w.bytes() + size - 1) / size * size;
                writes.add(new WireWrite(w.timeNanos(), direction, padded));
            } else {
                writes.add(w);
            }
        }
        return new ConnectionTrace(trace.label(), trace.messages(), writes);
    }

    /** Every write of {@code direction} grows by a random 21..1044 bytes (RANDOM-style padding in the same write). */
    static ConnectionTrace randomPadding(ConnectionTrace trace, Direction direction, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<WireWrite> writes = new ArrayList<>();
        for (WireWrite w : trace.writes()) {
            if (w.direction() == direction) {
                writes.add(new WireWrite(w.timeNanos(), direction, w.bytes() + 21 + random.nextInt(1024)));
            } else {
                writes.add(w);
            }
        }
        return new ConnectionTrace(trace.label(), trace.messages(), writes);
    }

    /**
     * The ideal observer view of a constant-rate, constant-size ticker on both directions: one write of
     * {@code size} bytes every {@code periodNanos} (each direction at its own phase), every message carried by the
     * first tick at or after it and restamped to that tick. It ignores capacity (a 1 MB block rides one tick): not a
     * real defence, but an observation that carries no information, which every attacker must fail on.
     */
    static ConnectionTrace constantRate(ConnectionTrace trace, long periodNanos, int size) {
        long end = trace.durationNanos() + periodNanos;
        List<WireWrite> writes = new ArrayList<>();
        List<GenuineMessage> messages = new ArrayList<>();
        for (Direction d : Direction.values()) {
            long phase = d == Direction.OUTBOUND ? 0 : periodNanos / 3;
            for (long t = phase; t <= end; t += periodNanos) {
                writes.add(new WireWrite(t, d, size));
            }
            for (GenuineMessage m : trace.messages(d)) {
                long k = Math.max(0, (m.timeNanos() - phase + periodNanos - 1) / periodNanos);
                messages.add(new GenuineMessage(phase + k * periodNanos, d, m.type(), m.payloadLength()));
            }
        }
        return new ConnectionTrace(trace.label(), messages, writes);
    }

    /**
     * RANDOM-style decoys on {@code direction}: every 100 ms a 15% chance of a write of 21..1044 bytes, on top of
     * {@link #randomPadding}. Messages keep their stamps (decoy writes carry none).
     */
    static ConnectionTrace randomDecoys(ConnectionTrace trace, Direction direction, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        ConnectionTrace padded = randomPadding(trace, direction, seed);
        List<WireWrite> writes = new ArrayList<>(padded.writes());
        long tick = SyntheticTraffic.SECOND / 10;
        for (long t = tick + 1; t <= trace.durationNanos(); t += tick) {
            if (random.nextDouble() < 0.15) {
                writes.add(new WireWrite(t, direction, 21 + random.nextInt(1024)));
            }
        }
        return new ConnectionTrace(trace.label(), trace.messages(), writes);
    }

    static List<ConnectionTrace> each(List<ConnectionTrace> traces, java.util.function.UnaryOperator<ConnectionTrace> f) {
        return traces.stream().map(f).toList();
    }
}

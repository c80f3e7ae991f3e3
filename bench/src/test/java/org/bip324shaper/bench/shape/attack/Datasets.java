package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/** Shared synthetic train/test splits (disjoint seeds), built once per test JVM. */
final class Datasets {
    static final Duration LENGTH = Duration.ofHours(4);
    static final List<ConnectionTrace> TRAIN = SyntheticTraffic.many(6, LENGTH, 1);
    static final List<ConnectionTrace> TEST = SyntheticTraffic.many(6, LENGTH, 101);

    /** Constant 1 s, 1000-byte ticks both ways. */
    static final List<ConnectionTrace> IDEAL_TRAIN = ideal(TRAIN);
    static final List<ConnectionTrace> IDEAL_TEST = ideal(TEST);

    /** Outbound writes padded to multiples of 2048 bytes, timing untouched. */
    static final List<ConnectionTrace> PADDED_TRAIN = padded(TRAIN);
    static final List<ConnectionTrace> PADDED_TEST = padded(TEST);

    /** Outbound RANDOM-style padding and decoys (different seeds for train and test). */
    static final List<ConnectionTrace> RANDOM_TRAIN =
            Defences.each(TRAIN, t -> Defences.randomDecoys(t, Direction.OUTBOUND, 5));
    static final List<ConnectionTrace> RANDOM_TEST =
            Defences.each(TEST, t -> Defences.randomDecoys(t, Direction.OUTBOUND, 6));

    private Datasets() {
    }

    private static List<ConnectionTrace> ideal(List<ConnectionTrace> traces) {
        return Defences.each(traces, t -> Defences.constantRate(t, SyntheticTraffic.SECOND, 1000));
    }

    private static List<ConnectionTrace> padded(List<ConnectionTrace> traces) {
        return Defences.each(traces, t -> Defences.padToMultiple(t, Direction.OUTBOUND, 2048));
    }
}

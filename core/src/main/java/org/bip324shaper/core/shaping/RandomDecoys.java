package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Background noise on a fixed tick: each {@code interval}, with probability {@code probability}, one decoy of
 * uniformly random contents length; plus 0..{@code maxHandshakeDecoys} such decoys before the version packet.
 * {@link DecoyStrategy#RANDOM} is {@code new RandomDecoys(100 ms, 0.15, 1, 1024, 3)}.
 *
 * <p>The next tick is scheduled from when the tick actually ran, so a driver that wakes late does not get a burst
 * of catch-up decoys.
 *
 * @param interval           time between ticks, at least {@link #MIN_INTERVAL}
 * @param probability        chance of a decoy on each tick, in [0, 1]
 * @param minDecoyLength     smallest decoy contents length
 * @param maxDecoyLength     largest decoy contents length (inclusive)
 * @param maxHandshakeDecoys most decoys before the version packet, 0..{@value #MAX_HANDSHAKE_DECOYS}
 */
public record RandomDecoys(Duration interval, double probability, int minDecoyLength, int maxDecoyLength,
                           int maxHandshakeDecoys) implements DecoyStrategy {

    /** Shorter ticks would keep a driver thread busy for little added cover. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(1);

    /** Bounds the handshake decoy list a configuration can ask for. */
    public static final int MAX_HANDSHAKE_DECOYS = 32;

    public RandomDecoys {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("decoy interval must be at least " + MIN_INTERVAL + ", was " + interval);
        }
        if (interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("decoy interval must be at most 1 day, was " + interval);
        }
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException("decoy probability must be in [0, 1], was " + probability);
        }
        RandomPadding.checkRange("decoy length", minDecoyLength, maxDecoyLength);
        if (maxHandshakeDecoys < 0 || maxHandshakeDecoys > MAX_HANDSHAKE_DECOYS) {
            throw new IllegalArgumentException("max handshake decoys must be in 0.." + MAX_HANDSHAKE_DECOYS
                    + ", was " + maxHandshakeDecoys);
        }
    }

    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        return new Session(this, Objects.requireNonNull(random, "random"), nowNanos);
    }

    private static final class Session implements ShapingSession {
        private final RandomDecoys config;
        private final RandomGenerator random;
        private final long intervalNanos;
        private long deadline;

        Session(RandomDecoys config, RandomGenerator random, long nowNanos) {
            this.config = config;
            this.random = random;
            this.intervalNanos = config.interval.toNanos();
            this.deadline = nowNanos + intervalNanos;
        }

        @Override
        public HandshakeShape handshake() {
            int count = random.nextInt(config.maxHandshakeDecoys + 1);
            List<Integer> lengths = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                lengths.add(decoyLength());
            }
            return new HandshakeShape(0, lengths);
        }

        @Override
        public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            // background noise keeps its own schedule
        }

        @Override
        public void onTick(long nowNanos, Flush.Builder out) {
            if (random.nextDouble() < config.probability) {
                out.decoy(decoyLength());
            }
            deadline = nowNanos + intervalNanos;
        }

        @Override
        public long nextDeadlineNanos() {
            return deadline;
        }

        private int decoyLength() {
            return random.nextInt(config.minDecoyLength, config.maxDecoyLength + 1);
        }
    }
}

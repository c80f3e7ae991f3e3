package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Background noise: decoy packets sent on the strategy's own schedule, independent of genuine traffic, and decoys
 * before the version packet. An immutable description shared by all connections; each connection gets its own
 * {@link ShapingSession}, which may observe genuine packets but never releases them.
 */
public interface DecoyStrategy {

    /** No decoys and no ticks. */
    DecoyStrategy DISABLED = NoDecoys.INSTANCE;

    /**
     * The reference behaviour (rust-bitcoin bip324-traffic): every 100 ms a 15% chance of one decoy of 1..1024
     * random contents bytes, and 0..3 such decoys before the version packet.
     */
    DecoyStrategy RANDOM = new RandomDecoys(Duration.ofMillis(100), 0.15, 1, 1024, 3);

    /**
     * Starts this strategy for one connection.
     *
     * @param random   the connection's randomness, only to be used from the session's methods
     * @param nowNanos the current time of the shaper's clock; schedules start from it
     */
    ShapingSession newSession(RandomGenerator random, long nowNanos);

    /**
     * Parses a configuration value: {@code random}, or {@code off} / {@code disabled} / {@code none}
     * (case-insensitive).
     */
    static DecoyStrategy parse(String value) {
        return ConfigText.randomOrOff(value, "decoy strategy") ? RANDOM : DISABLED;
    }
}

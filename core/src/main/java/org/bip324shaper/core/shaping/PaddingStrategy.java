package org.bip324shaper.core.shaping;

import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;

/**
 * How genuine packets are wrapped on the wire: the padding decoys that go with them, the handshake garbage, and
 * (for queueing strategies) when they are released. An immutable description shared by all connections; each
 * connection gets its own {@link ShapingSession}, which owns the genuine packets (see there).
 */
public interface PaddingStrategy {

    /** No padding, no garbage: each genuine packet goes out alone, at once. */
    PaddingStrategy DISABLED = NoPadding.INSTANCE;

    /**
     * The reference behaviour (rust-bitcoin bip324-traffic): one decoy of 1..1024 random contents bytes in the same
     * write as every genuine packet, and 0..4095 random bytes of handshake garbage.
     */
    PaddingStrategy RANDOM = new RandomPadding(1, 1024, ProtocolLimits.MAX_GARBAGE_LENGTH);

    /**
     * Starts this strategy for one connection.
     *
     * @param random   the connection's randomness, only to be used from the session's methods
     * @param nowNanos the current time of the shaper's clock
     */
    ShapingSession newSession(RandomGenerator random, long nowNanos);

    /**
     * Parses a configuration value: {@code random}, or {@code off} / {@code disabled} / {@code none}
     * (case-insensitive).
     */
    static PaddingStrategy parse(String value) {
        return ConfigText.randomOrOff(value, "padding strategy") ? RANDOM : DISABLED;
    }
}

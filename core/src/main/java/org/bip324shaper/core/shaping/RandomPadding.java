package org.bip324shaper.core.shaping;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Pads every genuine packet with one decoy of uniformly random contents length in the same write, and draws the
 * handshake garbage length uniformly. {@link PaddingStrategy#RANDOM} is {@code new RandomPadding(1, 1024, 4095)}.
 *
 * @param minDecoyLength   smallest padding decoy contents length
 * @param maxDecoyLength   largest padding decoy contents length (inclusive)
 * @param maxGarbageLength largest handshake garbage length (inclusive), at most
 *                         {@value ShapingLimits#MAX_GARBAGE_LENGTH}
 */
public record RandomPadding(int minDecoyLength, int maxDecoyLength, int maxGarbageLength) implements PaddingStrategy {

    public RandomPadding {
        checkRange("padding decoy length", minDecoyLength, maxDecoyLength);
        if (maxGarbageLength < 0 || maxGarbageLength > ProtocolLimits.MAX_GARBAGE_LENGTH) {
            throw new IllegalArgumentException("max garbage length must be in 0.." + ProtocolLimits.MAX_GARBAGE_LENGTH
                    + " (BIP-324), was " + maxGarbageLength);
        }
    }

    /** Checks a min..max contents length range of decoys; shared with {@link RandomDecoys}. */
    static void checkRange(String what, int min, int max) {
        ShapingLimits.checkContentsLength("min " + what, min);
        ShapingLimits.checkContentsLength("max " + what, max);
        if (min > max) {
            throw new IllegalArgumentException("min " + what + " " + min + " exceeds max " + max);
        }
    }

    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        return new Session(this, Objects.requireNonNull(random, "random"));
    }

    private static final class Session implements ShapingSession {
        private final RandomPadding config;
        private final RandomGenerator random;

        Session(RandomPadding config, RandomGenerator random) {
            this.config = config;
            this.random = random;
        }

        @Override
        public HandshakeShape handshake() {
            return new HandshakeShape(random.nextInt(config.maxGarbageLength + 1), List.of());
        }

        @Override
        public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            out.genuine().decoy(random.nextInt(config.minDecoyLength, config.maxDecoyLength + 1));
        }
    }
}

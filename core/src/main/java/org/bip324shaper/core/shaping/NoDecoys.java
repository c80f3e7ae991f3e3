package org.bip324shaper.core.shaping;

import java.util.random.RandomGenerator;

/** {@link DecoyStrategy#DISABLED}: no decoys, no ticks. */
final class NoDecoys implements DecoyStrategy, ShapingSession {
    static final NoDecoys INSTANCE = new NoDecoys();

    private NoDecoys() {
    }

    /** Stateless, so one instance serves every connection. */
    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        return this;
    }

    @Override
    public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
        // background noise ignores genuine traffic
    }

    @Override
    public String toString() {
        return "disabled";
    }
}

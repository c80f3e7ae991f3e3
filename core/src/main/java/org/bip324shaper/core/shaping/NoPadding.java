package org.bip324shaper.core.shaping;

import java.util.random.RandomGenerator;

/** {@link PaddingStrategy#DISABLED}: every genuine packet is released at once, alone. */
final class NoPadding implements PaddingStrategy, ShapingSession {
    static final NoPadding INSTANCE = new NoPadding();

    private NoPadding() {
    }

    /** Stateless, so one instance serves every connection. */
    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        return this;
    }

    @Override
    public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
        out.genuine();
    }

    @Override
    public String toString() {
        return "disabled";
    }
}

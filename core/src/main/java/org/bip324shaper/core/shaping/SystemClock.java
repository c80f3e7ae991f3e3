package org.bip324shaper.core.shaping;

/** {@link System#nanoTime()} relative to the moment this class loaded. */
final class SystemClock implements MonotonicClock {
    private static final long ORIGIN = System.nanoTime();
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime() - ORIGIN;
    }

    @Override
    public String toString() {
        return "MonotonicClock.system()";
    }
}

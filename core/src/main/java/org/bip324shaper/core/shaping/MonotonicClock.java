package org.bip324shaper.core.shaping;

/**
 * A monotonic nanosecond clock, injected so that tests can drive time by hand. Only differences between readings of
 * the same clock mean anything.
 */
@FunctionalInterface
public interface MonotonicClock {

    /** The current time in nanoseconds; never decreases. */
    long nanoTime();

    /**
     * The JVM's {@link System#nanoTime()}, shifted so that it reads about 0 when this class loads. The shift keeps
     * readings small and positive, so that {@code now + interval} cannot overflow and deadlines compare with plain
     * {@code <}.
     */
    static MonotonicClock system() {
        return SystemClock.INSTANCE;
    }
}

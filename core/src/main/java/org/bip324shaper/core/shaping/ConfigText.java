package org.bip324shaper.core.shaping;

import java.time.Duration;

/** How strategies spell values in their configuration strings (see {@link ShapingStrategies}). */
final class ConfigText {

    private ConfigText() {
    }

    /** {@code 2s}, {@code 250ms}, or nanoseconds: the coarsest unit that is exact. */
    static String duration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos + "ns";
    }

    /** A number without a trailing {@code .0}. */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}

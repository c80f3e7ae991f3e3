package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.Locale;

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

    /**
     * The one reading of an on/off strategy switch: true for {@code random}, false for {@code off}, {@code disabled}
     * or {@code none} (case-insensitive, trimmed).
     *
     * @throws IllegalArgumentException naming {@code what} and the accepted values
     */
    static boolean randomOrOff(String value, String what) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "random":
                return true;
            case "off":
            case "disabled":
            case "none":
                return false;
            default:
                throw new IllegalArgumentException("unknown " + what + " '" + value
                        + "' (expected random, off, disabled or none)");
        }
    }
}

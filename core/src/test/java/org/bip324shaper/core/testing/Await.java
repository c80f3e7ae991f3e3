package org.bip324shaper.core.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition with a deadline, for tests: polls it (a poll, not a guess at how long something takes) and
 * fails with what was awaited and the state seen last once the deadline passes.
 */
public final class Await {
    /** Long enough for a loaded two-core machine; a condition that holds at all holds far sooner. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private Await() {
    }

    /** Waits until {@code condition} holds, at most {@link #DEFAULT_TIMEOUT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition, () -> "");
    }

    /** Waits until {@code condition} holds, at most {@link #DEFAULT_TIMEOUT}; {@code state} describes a failure. */
    public static void until(String what, BooleanSupplier condition, Supplier<String> state) {
        until(what, DEFAULT_TIMEOUT, condition, state);
    }

    /**
     * Waits until {@code condition} holds, at most {@code timeout}.
     *
     * @throws AssertionError naming {@code what} and {@code state}'s description at the deadline, or on interrupt
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String seen = state.get();
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what
                        + (seen.isEmpty() ? "" : "; last seen: " + seen));
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what);
            }
        }
    }
}

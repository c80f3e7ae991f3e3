package org.bip324shaper.agent.log;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A token bucket over log lines, so that a reconnect storm cannot flood stderr: up to {@code burst} lines at once,
 * then {@code perSecond} a second. Lines over the limit are dropped and counted; the next line let through is
 * preceded by one line saying how many were dropped (a loss is never silent).
 */
public final class RateLimitedLines {

    public static final int DEFAULT_BURST = 200;
    public static final int DEFAULT_PER_SECOND = 20;

    private final long burst;
    private final long nanosPerLine;
    private final LongSupplier nanoClock;
    /** Tokens, scaled by nanosPerLine so refills stay integral; guarded by this. */
    private long credit;
    private long lastNanos;
    private long suppressed;
    private long suppressedTotal;

    public RateLimitedLines(int burst, int perSecond, LongSupplier nanoClock) {
        if (burst < 1 || perSecond < 1) {
            throw new IllegalArgumentException("burst and rate must be positive");
        }
        this.burst = burst;
        this.nanosPerLine = 1_000_000_000L / perSecond;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.lastNanos = nanoClock.getAsLong();
        this.credit = burst * nanosPerLine;
    }

    /**
     * Asks to print one line.
     *
     * @return -1 to drop it; otherwise how many lines were dropped just before it (0 usually), which the caller
     *         reports before the line
     */
    public synchronized long admit() {
        long now = nanoClock.getAsLong();
        long elapsed = Math.max(0, now - lastNanos);
        lastNanos = now;
        credit = Math.min(burst * nanosPerLine, credit + elapsed);
        if (credit < nanosPerLine) {
            suppressed++;
            suppressedTotal++;
            return -1;
        }
        credit -= nanosPerLine;
        long dropped = suppressed;
        suppressed = 0;
        return dropped;
    }

    /** Lines dropped since start. */
    public synchronized long suppressedTotal() {
        return suppressedTotal;
    }
}

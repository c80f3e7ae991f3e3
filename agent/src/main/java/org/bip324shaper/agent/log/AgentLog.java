package org.bip324shaper.agent.log;

import java.io.PrintStream;
import java.util.Objects;

/**
 * A deliberately tiny logger: one line per event, either {@code [bip324]}-prefixed on a stream (stderr in
 * production, rate-limited by {@link RateLimitedLines}) or through {@code java.util.logging} ({@link LogSink#JUL}).
 * No logging framework of its own, so the agent never interferes with the wallet's logging configuration.
 *
 * <p>Callers must never pass keys, secrets or message contents: only addresses, counts and states.
 */
public final class AgentLog {

    /** The java.util.logging logger name with {@link LogSink#JUL}. */
    public static final String JUL_LOGGER = "org.bip324shaper";

    private final LogLevel threshold;
    private final PrintStream out;
    private final RateLimitedLines limit;
    /** Null unless {@link LogSink#JUL}: java.util.logging stays unloaded otherwise (optional in a jlink image). */
    private final JulLines jul;

    private AgentLog(LogLevel threshold, PrintStream out, RateLimitedLines limit, JulLines jul) {
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.out = out;
        this.limit = limit;
        this.jul = jul;
    }

    /** Every line to {@code out}, unlimited (tests, command-line output). */
    public AgentLog(LogLevel threshold, PrintStream out) {
        this(threshold, Objects.requireNonNull(out, "out"), null, null);
    }

    /** Lines to {@code out}, at most as many as {@code limit} lets through. */
    public AgentLog(LogLevel threshold, PrintStream out, RateLimitedLines limit) {
        this(threshold, Objects.requireNonNull(out, "out"), Objects.requireNonNull(limit, "limit"), null);
    }

    public static AgentLog toStderr(LogLevel threshold) {
        return new AgentLog(threshold, System.err, new RateLimitedLines(RateLimitedLines.DEFAULT_BURST,
                RateLimitedLines.DEFAULT_PER_SECOND, new java.util.function.LongSupplier() { // no lambda in premain
                    @Override
                    public long getAsLong() {
                        return System.nanoTime();
                    }
                }));
    }

    /** Lines to the {@value #JUL_LOGGER} java.util.logging logger; its own configuration decides what is kept. */
    public static AgentLog toJul(LogLevel threshold) {
        return new AgentLog(threshold, null, null, new JulLines(JUL_LOGGER));
    }

    public static AgentLog to(LogSink sink, LogLevel threshold) {
        return sink == LogSink.JUL ? toJul(threshold) : toStderr(threshold);
    }

    public boolean isEnabled(LogLevel level) {
        return level != LogLevel.OFF && threshold.compareTo(level) >= 0;
    }

    public void error(String message) {
        log(LogLevel.ERROR, message);
    }

    public void warn(String message) {
        log(LogLevel.WARN, message);
    }

    public void info(String message) {
        log(LogLevel.INFO, message);
    }

    public void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    private void log(LogLevel level, String message) {
        if (!isEnabled(level)) {
            return;
        }
        if (jul != null) {
            jul.log(level, message);
            return;
        }
        if (limit != null) {
            long dropped = limit.admit();
            if (dropped < 0) {
                return;
            }
            if (dropped > 0) {
                out.println("[bip324] WARN  " + dropped + " log lines dropped (more than "
                        + RateLimitedLines.DEFAULT_PER_SECOND + " a second)");
            }
        }
        // one println per line so concurrent connections never interleave within a line
        out.println("[bip324] " + (level.name().length() == 4 ? level.name() + " " : level.name()) + " " + message);
    }

}

package org.bip324shaper.agent.log;

import java.io.PrintStream;
import java.util.Objects;

/**
 * A deliberately tiny logger: one {@code [bip324]}-prefixed line per event to a stream (stderr in production).
 * No logging framework, so the agent never interferes with the wallet's own logging configuration.
 *
 * <p>Callers must never pass keys, secrets or message contents: only addresses, counts and states.
 */
public final class AgentLog {

    private final LogLevel threshold;
    private final PrintStream out;

    public AgentLog(LogLevel threshold, PrintStream out) {
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.out = Objects.requireNonNull(out, "out");
    }

    public static AgentLog toStderr(LogLevel threshold) {
        return new AgentLog(threshold, System.err);
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
        if (isEnabled(level)) {
            // one println per line so concurrent connections never interleave within a line
            out.println("[bip324] " + (level.name().length() == 4 ? level.name() + " " : level.name()) + " " + message);
        }
    }
}

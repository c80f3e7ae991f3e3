package org.bip324shaper.agent.log;

import java.util.Locale;
import java.util.Optional;

/** Where the agent's log lines go. */
public enum LogSink {
    /** {@code [bip324]}-prefixed lines on stderr, rate-limited (the default). */
    STDERR,
    /** {@code java.util.logging}, logger {@code org.bip324shaper}: an app's SLF4J/logback bridge picks them up. */
    JUL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<LogSink> fromId(String text) {
        for (LogSink sink : values()) {
            if (sink.id().equalsIgnoreCase(text.trim())) {
                return Optional.of(sink);
            }
        }
        return Optional.empty();
    }
}

package org.bip324shaper.agent.log;

import java.util.Locale;
import java.util.Optional;

/** How much the agent prints to stderr; each level includes the ones before it. */
public enum LogLevel {
    OFF, ERROR, WARN, INFO, DEBUG;

    /** The lower-case name used in configuration, e.g. {@code info}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<LogLevel> fromId(String text) {
        for (LogLevel level : values()) {
            if (level.id().equalsIgnoreCase(text.trim())) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}

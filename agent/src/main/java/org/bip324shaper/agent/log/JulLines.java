package org.bip324shaper.agent.log;

import java.util.logging.Level;
import java.util.logging.Logger;

/** {@link LogSink#JUL}: lines to one java.util.logging logger, the only class of the agent that touches it. */
final class JulLines {

    private final String name;
    /** Looked up on the first line, not in premain: java.util.logging initialises its LogManager then. */
    private volatile Logger logger;

    JulLines(String name) {
        this.name = name;
    }

    void log(LogLevel level, String message) {
        Logger current = logger;
        if (current == null) {
            current = Logger.getLogger(name);
            logger = current;
        }
        current.log(level(level), message);
    }

    static Level level(LogLevel level) {
        switch (level) {
            case ERROR: return Level.SEVERE;
            case WARN: return Level.WARNING;
            case INFO: return Level.INFO;
            default: return Level.FINE;
        }
    }
}

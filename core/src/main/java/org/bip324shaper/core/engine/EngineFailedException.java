package org.bip324shaper.core.engine;

/**
 * The engine failed earlier ({@link ShapedEngine.State#FAILED}): an operation met an engine that an earlier
 * {@link ShapedEngine#receive} ended with an error. The cause is that first error (the peer's bad data, or a bug), so
 * a driver reports it as the connection's failure, never as an end of stream.
 */
public final class EngineFailedException extends IllegalStateException {
    EngineFailedException(Exception cause) {
        super("the engine failed earlier (" + cause.getClass().getSimpleName() + "); close the connection", cause);
    }

    /** The error that ended the engine. */
    public Exception failure() {
        return (Exception) getCause();
    }
}

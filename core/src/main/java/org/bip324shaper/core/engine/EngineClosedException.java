package org.bip324shaper.core.engine;

/**
 * The engine was ended by {@link ShapedEngine#close()} ({@link ShapedEngine.State#CLOSED}): an operation that needs a
 * live engine met one that its own side closed. For a driver this is the end of the stream, typically a close racing
 * a read, and it maps to an {@link java.io.EOFException}. Nothing failed: a failed engine throws
 * {@link EngineFailedException} instead.
 */
public final class EngineClosedException extends IllegalStateException {
    EngineClosedException() {
        super("the engine is closed");
    }
}

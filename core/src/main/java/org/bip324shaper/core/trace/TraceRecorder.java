package org.bip324shaper.core.trace;

/**
 * Receives what a driver does on one connection, for traffic-shape analysis. Off by default ({@link #NONE}).
 * Implementations must be thread-safe (a reader and a writer thread record concurrently) and must never see contents.
 */
public interface TraceRecorder extends AutoCloseable {
    /** Records nothing; what drivers use unless told otherwise. */
    TraceRecorder NONE = new TraceRecorder() {
        @Override
        public void message(long timeNanos, Direction direction, String type, int payloadLength) {
        }

        @Override
        public void write(long timeNanos, Direction direction, int bytes) {
        }
    };

    /** A genuine message was submitted (outbound) or delivered (inbound). Time is the driver's monotonic clock. */
    void message(long timeNanos, Direction direction, String type, int payloadLength);

    /** Bytes went on the wire in one write (outbound) or arrived in one read (inbound). */
    void write(long timeNanos, Direction direction, int bytes);

    /** Flushes and releases whatever the recorder holds. */
    @Override
    default void close() {
    }
}

package org.bip324shaper.core.trace;

/**
 * One write on the wire as an observer sees it: when, which way, how many bytes. Lengths are encrypted in BIP-324,
 * so packets written together are indistinguishable; this is all a passive observer learns.
 *
 * @param timeNanos time since the start of the trace, in nanoseconds
 * @param direction which way the bytes went
 * @param bytes     the size of the write (TCP payload bytes), at least 1
 */
public record WireWrite(long timeNanos, Direction direction, int bytes) {
    public WireWrite {
        if (timeNanos < 0) {
            throw new IllegalArgumentException("time must be >= 0, got " + timeNanos);
        }
        if (bytes < 1) {
            throw new IllegalArgumentException("a write has at least 1 byte, got " + bytes);
        }
        if (direction == null) {
            throw new IllegalArgumentException("direction is required");
        }
    }
}

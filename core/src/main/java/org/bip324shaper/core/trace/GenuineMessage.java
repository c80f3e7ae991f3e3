package org.bip324shaper.core.trace;

/**
 * One genuine application message: the ground truth an attacker tries to recover. Never holds contents.
 *
 * @param timeNanos     time since the start of the trace, in nanoseconds, when the message was submitted or received
 * @param direction     which way it went
 * @param type          the message type (command), e.g. {@code inv}, {@code headers}
 * @param payloadLength the payload length in bytes (without the type)
 */
public record GenuineMessage(long timeNanos, Direction direction, String type, int payloadLength) {
    public GenuineMessage {
        if (timeNanos < 0) {
            throw new IllegalArgumentException("time must be >= 0, got " + timeNanos);
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length must be >= 0, got " + payloadLength);
        }
        if (direction == null || type == null || type.isEmpty()) {
            throw new IllegalArgumentException("direction and type are required");
        }
    }
}

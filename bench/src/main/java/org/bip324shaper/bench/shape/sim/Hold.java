package org.bip324shaper.bench.shape.sim;

/**
 * How long our shaper held one genuine outbound message: from the application's submission to the write that
 * carried it. Messages submitted before the handshake ended are not counted (every v2 connection waits there).
 *
 * @param type           the message type
 * @param submittedNanos when the application submitted it
 * @param releasedNanos  when it went on the wire
 */
public record Hold(String type, long submittedNanos, long releasedNanos) {
    public Hold {
        if (releasedNanos < submittedNanos) {
            throw new IllegalArgumentException("released before submitted");
        }
    }

    public long nanos() {
        return releasedNanos - submittedNanos;
    }
}

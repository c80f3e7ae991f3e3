package org.bip324shaper.bench.shape.wallet;

import org.bip324shaper.core.trace.ConnectionTrace;

/**
 * One TCP connection of a wallet day. The wire shows its SYN at {@code startNanos}, then its writes, then its FIN
 * at {@code endNanos}: connection events an observer sees even when every byte is encrypted.
 *
 * @param startNanos when the connection opened, on the day's clock
 * @param messages   the genuine messages of both directions, times relative to {@code startNanos}
 * @param endNanos   when it closed, on the day's clock; at or after its last message
 */
public record WalletSession(long startNanos, ConnectionTrace messages, long endNanos) {
    public WalletSession {
        if (startNanos < 0) {
            throw new IllegalArgumentException("a session starts at >= 0, got " + startNanos);
        }
        if (endNanos < startNanos + messages.durationNanos()) {
            throw new IllegalArgumentException("session " + messages.label() + " ends before its last message");
        }
    }

    /** How long the connection was open. */
    public long lengthNanos() {
        return endNanos - startNanos;
    }
}

package org.bip324shaper.bench.shape.wallet;

import java.util.Comparator;
import java.util.List;

/**
 * A wallet's traffic with one peer over some hours: its connections one after another (bitcoinj reconnects after
 * every broadcast) and what happened to the wallet, on one clock.
 *
 * @param label       a name without spaces
 * @param sessions    the connections, in time order, not overlapping
 * @param events      payments, receives and blocks, in time order
 * @param lengthNanos the span of the day (from 0 to at least the last session's end)
 */
public record WalletDay(String label, List<WalletSession> sessions, List<WalletEvent> events, long lengthNanos) {
    public WalletDay {
        sessions = sessions.stream().sorted(Comparator.comparingLong(WalletSession::startNanos)).toList();
        events = events.stream().sorted(Comparator.comparingLong(WalletEvent::timeNanos)).toList();
        if (sessions.isEmpty()) {
            throw new IllegalArgumentException("a wallet day has at least one session");
        }
        for (int i = 1; i < sessions.size(); i++) {
            if (sessions.get(i).startNanos() < sessions.get(i - 1).endNanos()) {
                throw new IllegalArgumentException(label + ": session " + i + " opens before the previous one closed");
            }
        }
        if (lengthNanos < sessions.get(sessions.size() - 1).endNanos()) {
            throw new IllegalArgumentException(label + ": the day ends before its last session");
        }
    }

    /** Times of the events of one kind. */
    public long[] times(WalletEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).mapToLong(WalletEvent::timeNanos).toArray();
    }
}

package org.bip324shaper.bench.shape.wallet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.bench.shape.sim.Replay;
import org.bip324shaper.bench.shape.sim.ReplaySimulator;
import org.bip324shaper.core.shaping.TrafficConfig;

/**
 * Puts a wallet day on the simulated wire: each session through {@link ReplaySimulator} (our engine shaped with the
 * configuration under test, an unmodified Core peer), from its SYN until its FIN.
 */
public final class WalletWire {
    private WalletWire() {
    }

    public static ObservedDay replay(WalletDay day, TrafficConfig ours, Duration oneWayDelay, long seed) {
        return replay(day, ours, oneWayDelay, seed, 0);
    }

    static ObservedDay replay(WalletDay day, TrafficConfig ours, Duration oneWayDelay, long seed, long addedBytes) {
        List<ObservedDay.Session> sessions = new ArrayList<>();
        int i = 0;
        for (WalletSession s : day.sessions()) {
            long tail = Math.max(0, s.lengthNanos() - s.messages().durationNanos());
            ReplaySimulator.Settings settings = new ReplaySimulator.Settings(ours, ReplaySimulator.BITCOIN_CORE,
                    oneWayDelay, seed * 31 + i++, true, Duration.ofNanos(tail));
            Replay r = ReplaySimulator.runAndClose(s.messages(), settings);
            sessions.add(ObservedDay.Session.of(s.startNanos(), s.endNanos(), r));
        }
        return new ObservedDay(day.label(), sessions, day.events(), day.lengthNanos(), addedBytes);
    }

    /** A captured day as it was on the wire (no replay). */
    public static ObservedDay captured(WalletDay day) {
        List<ObservedDay.Session> sessions = new ArrayList<>();
        for (WalletSession s : day.sessions()) {
            sessions.add(new ObservedDay.Session(s.startNanos(), s.endNanos(), s.messages(), List.of(), 0));
        }
        return new ObservedDay(day.label(), sessions, day.events(), day.lengthNanos(), 0);
    }

    /** A Core node's connection as an observed day: one session, no wallet events. */
    public static ObservedDay node(Replay replay, long lengthNanos) {
        return new ObservedDay(replay.observed().label(), List.of(ObservedDay.Session.of(0, lengthNanos, replay)),
                List.of(), lengthNanos, 0);
    }
}

package org.bip324shaper.bench.shape.wallet;

import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.bench.shape.sim.Hold;
import org.bip324shaper.bench.shape.sim.Replay;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A wallet day as a path observer sees it: per connection its SYN and FIN times and its writes, on the day's clock.
 * The replays keep the ground truth (which write carried which message) for the type attacks and the latencies.
 *
 * @param label       the day's label
 * @param sessions    each connection's replay, opened at {@code start} and closed at {@code end}
 * @param events      what happened to the wallet (ground truth for A6)
 * @param lengthNanos the day's span
 * @param addedBytes  wire bytes of genuine messages the bridge added (its own pings, dummy refreshes), which the
 *                    replay counts as genuine; they are cost, not the wallet's traffic
 */
public record ObservedDay(String label, List<Session> sessions, List<WalletEvent> events, long lengthNanos,
                          long addedBytes) {
    public ObservedDay {
        sessions = List.copyOf(sessions);
        events = List.copyOf(events);
    }

    /**
     * One connection: SYN at {@code start}, FIN at {@code end}; the wire's times relative to {@code start}.
     *
     * @param wire       the writes of both directions (and, for a replay, the messages as recorded)
     * @param holds      how long our shaper held each of our messages (empty for a capture)
     * @param unreleased our messages still held when the connection closed
     */
    public record Session(long start, long end, ConnectionTrace wire, List<Hold> holds, int unreleased) {
        public Session {
            holds = List.copyOf(holds);
        }

        static Session of(long start, long end, Replay replay) {
            return new Session(start, end, replay.observed(), replay.holds(), replay.unreleased());
        }
    }

    /** Every write of one direction, on the day's clock, in time order. */
    public List<WireWrite> writes(Direction direction) {
        List<WireWrite> out = new ArrayList<>();
        for (Session s : sessions) {
            for (WireWrite w : s.wire().writes(direction)) {
                if (w.timeNanos() <= s.end() - s.start()) {
                    out.add(new WireWrite(s.start() + w.timeNanos(), direction, w.bytes()));
                }
            }
        }
        return out;
    }

    /** Times of the wallet's events of one kind. */
    public long[] times(WalletEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).mapToLong(WalletEvent::timeNanos).toArray();
    }

    /** SYN times, on the day's clock. */
    public long[] opens() {
        return sessions.stream().mapToLong(Session::start).toArray();
    }

    /** FIN times, on the day's clock (the last one is the end of the observation, not a FIN, and is left out). */
    public long[] closes() {
        return sessions.stream().limit(Math.max(0, sessions.size() - 1)).mapToLong(Session::end).toArray();
    }

    /** Bytes our side wrote, every kind (genuine, decoy, garbage, handshake). */
    public long outBytes() {
        long sum = 0;
        for (WireWrite w : writes(Direction.OUTBOUND)) {
            sum += w.bytes();
        }
        return sum;
    }

    /** How long our shaper held each of our messages of {@code type}. */
    public List<Hold> holds(String type) {
        List<Hold> out = new ArrayList<>();
        for (Session s : sessions) {
            for (Hold h : s.holds()) {
                if (h.type().equals(type)) {
                    out.add(h);
                }
            }
        }
        return out;
    }

    /** Our messages still held when their connection closed (should be 0: shaping delays, never drops). */
    public int unreleased() {
        return sessions.stream().mapToInt(Session::unreleased).sum();
    }
}

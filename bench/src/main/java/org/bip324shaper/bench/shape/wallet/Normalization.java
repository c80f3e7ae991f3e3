package org.bip324shaper.bench.shape.wallet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.bip324shaper.bench.shape.attack.LabeledWrite;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;

/**
 * A model of the agent's wallet normalization (what the bridge will do with the {@code wallet} preset), applied to a
 * wallet day's genuine messages: the result is what the bridge puts on the upstream v2 session.
 * <ol>
 *   <li><b>One upstream session.</b> The bridge keeps the upstream open across bitcoinj's drop-and-redial after a
 *       broadcast and splices the wallet's new connection onto it: no FIN, SYN or v2 handshake on the wire. The
 *       redialled connection's {@code version}, {@code verack} and {@code sendaddrv2} are answered from the cached
 *       exchange (the node's {@code version}, {@code verack}, {@code feefilter} and connect-time ping are not
 *       repeated); everything else is forwarded.</li>
 *   <li><b>Local pings.</b> The wallet's pings are answered by the bridge (after the last measured upstream round
 *       trip); upstream the bridge pings as Core does: {@code pingInterval} after its previous ping, plus
 *       0..{@code pingJitter} (Core's 120 s, and its 100 ms message loop). The node's own pings (every 120 s) are
 *       answered by the bridge.</li>
 *   <li><b>Refresh slots.</b> The wallet's {@code filterload}, {@code mempool} and {@code getblocks} after its first
 *       ones (after every redial and every receive) are held and forwarded at the next refresh slot; slots come at
 *       uniformly random gaps of {@code refreshMin..refreshMax}. Every slot writes the same set, filterload, mempool,
 *       getblocks: the wallet's held ones, completed from the cache (its last filterload; its last locator with the
 *       hashes of blocks announced since prepended, so the node answers with nothing new), or all from the cache
 *       when nothing is held. The node's answer to {@code mempool} (an {@code inv} of the wallet's unconfirmed
 *       transactions, if any) follows each slot.</li>
 * </ol>
 * The wallet's payments ({@code tx}) and the getdata after blocks are forwarded at once: the preset's ticker
 * shapes them. Nothing is dropped: held messages wait at most {@code refreshMax}; a dummy refresh adds messages the
 * node treats as the wallet's own. Costs the bridge adds (its pings, the dummy refreshes) are counted in
 * {@link Result#addedWireBytes()}.
 *
 * @param pingInterval upstream ping gap (Core: 120 s)
 * @param pingJitter   added uniformly random 0..jitter
 * @param refreshMin   shortest gap between refresh slots
 * @param refreshMax   longest; the most a held filterload waits
 */
public record Normalization(Duration pingInterval, Duration pingJitter, Duration refreshMin, Duration refreshMax) {
    private static final Set<String> REFRESH = Set.of("filterload", "mempool", "getblocks");
    private static final Set<String> SPLICED_AWAY_OUT = Set.of("version", "verack", "sendaddrv2");
    private static final Set<String> SPLICED_AWAY_IN = Set.of("version", "verack", "feefilter");

    public Normalization {
        if (pingInterval.isNegative() || pingInterval.isZero() || pingJitter.isNegative()
                || refreshMin.isNegative() || refreshMin.isZero() || refreshMax.compareTo(refreshMin) < 0) {
            throw new IllegalArgumentException("ping interval and refresh gaps must be positive, max >= min");
        }
    }

    /** The parameters the {@code wallet} preset comes with: Core's ping cadence, refresh slots every 5..15 min. */
    public static Normalization wallet() {
        return new Normalization(Duration.ofSeconds(120), Duration.ofMillis(100), Duration.ofMinutes(5),
                Duration.ofMinutes(15));
    }

    /**
     * The normalized day and the wire bytes the bridge added.
     *
     * @param day            one session from the first SYN to the end of the day
     * @param addedWireBytes bytes of genuine messages the bridge sent on its own (pings, cache-completed refreshes)
     * @param heldNanos      how long each held refresh message of the wallet waited for its slot
     */
    public record Result(WalletDay day, long addedWireBytes, List<Long> heldNanos) {
    }

    public Result apply(WalletDay day, Duration oneWayDelay, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        long owd = oneWayDelay.toNanos();
        long start = day.sessions().get(0).startNanos();
        long end = day.lengthNanos();
        List<GenuineMessage> out = new ArrayList<>();
        List<GenuineMessage> held = new ArrayList<>();
        List<Long> heldSince = new ArrayList<>();
        int lastFilterload = WalletDayGenerator.FILTERLOAD;
        int lastGetblocks = WalletDayGenerator.GETBLOCKS;
        boolean first = true;
        List<GenuineMessage> all = new ArrayList<>();
        List<Boolean> inFirst = new ArrayList<>();
        for (WalletSession s : day.sessions()) {
            for (GenuineMessage m : s.messages().messages()) {
                all.add(new GenuineMessage(s.startNanos() + m.timeNanos(), m.direction(), m.type(),
                        m.payloadLength()));
                inFirst.add(first);
            }
            first = false;
        }
        // Slots and the node's inv answering mempool are regenerated below.
        long lastMempool = Long.MIN_VALUE / 2;
        boolean initialRefreshSeen = false;
        for (int i = 0; i < all.size(); i++) {
            GenuineMessage m = all.get(i);
            String type = m.type();
            boolean ours = m.direction() == Direction.OUTBOUND;
            if (type.equals("ping") || type.equals("pong")) {
                continue;
            }
            if (!inFirst.get(i) && (ours ? SPLICED_AWAY_OUT : SPLICED_AWAY_IN).contains(type)) {
                continue;
            }
            if (!ours && type.equals("inv") && m.timeNanos() - lastMempool <= 2 * owd + 50_000_000L) {
                continue;
            }
            if (ours && type.equals("mempool")) {
                lastMempool = m.timeNanos();
            }
            if (ours && REFRESH.contains(type)) {
                if (type.equals("filterload")) {
                    lastFilterload = m.payloadLength();
                }
                if (type.equals("getblocks")) {
                    lastGetblocks = m.payloadLength();
                }
                if (inFirst.get(i) && !initialRefreshSeen) {
                    out.add(m);
                    initialRefreshSeen = type.equals("getblocks");
                    continue;
                }
                held.add(m);
                heldSince.add(m.timeNanos());
                continue;
            }
            out.add(m);
        }
        long added = 0;
        // Upstream pings, Core's rule, both ways.
        for (Direction from : Direction.values()) {
            long t = start + 60_000_000L + (from == Direction.OUTBOUND ? 0 : 2_000_000L);
            while (t < end) {
                out.add(new GenuineMessage(t, from, "ping", 8));
                if (t + owd < end) {
                    out.add(new GenuineMessage(t + owd, from.opposite(), "pong", 8));
                }
                added += from == Direction.OUTBOUND ? 29 : 0;
                t += pingInterval.toNanos() + random.nextLong(pingJitter.toNanos() + 1);
            }
        }
        // Refresh slots.
        long[] pays = day.times(WalletEvent.Kind.PAY);
        long[] blocks = blocks(day);
        List<Long> waits = new ArrayList<>();
        int next = 0;
        long slot = start + gap(random);
        while (slot < end) {
            List<GenuineMessage> due = new ArrayList<>();
            while (next < held.size() && held.get(next).timeNanos() <= slot) {
                due.add(held.get(next));
                waits.add(slot - heldSince.get(next));
                next++;
            }
            boolean hasFilter = due.stream().anyMatch(m -> m.type().equals("filterload"));
            boolean hasMempool = due.stream().anyMatch(m -> m.type().equals("mempool"));
            boolean hasGetblocks = due.stream().anyMatch(m -> m.type().equals("getblocks"));
            long t = slot;
            for (GenuineMessage m : due) {
                out.add(new GenuineMessage(t, m.direction(), m.type(), m.payloadLength()));
            }
            if (!hasFilter) {
                GenuineMessage f = new GenuineMessage(t, Direction.OUTBOUND, "filterload", lastFilterload);
                out.add(f);
                added += LabeledWrite.wireBytes(f);
            }
            if (!hasMempool) {
                GenuineMessage f = new GenuineMessage(t, Direction.OUTBOUND, "mempool", 0);
                out.add(f);
                added += LabeledWrite.wireBytes(f);
            }
            if (!hasGetblocks) {
                GenuineMessage f = new GenuineMessage(t, Direction.OUTBOUND, "getblocks", lastGetblocks);
                out.add(f);
                added += LabeledWrite.wireBytes(f);
            }
            int unconfirmed = unconfirmedAt(slot, pays, blocks);
            if (unconfirmed > 0 && t + owd < end) {
                out.add(new GenuineMessage(t + owd, Direction.INBOUND, "inv", 1 + 36 * unconfirmed));
            }
            slot += gap(random);
        }
        // Whatever is still held when the day ends leaves at the end (a graceful close drains).
        for (; next < held.size(); next++) {
            GenuineMessage m = held.get(next);
            out.add(new GenuineMessage(end, m.direction(), m.type(), m.payloadLength()));
            waits.add(end - heldSince.get(next));
        }
        List<GenuineMessage> rel = new ArrayList<>(out.size());
        for (GenuineMessage m : out) {
            if (m.timeNanos() <= end) {
                rel.add(new GenuineMessage(m.timeNanos() - start, m.direction(), m.type(), m.payloadLength()));
            }
        }
        ConnectionTrace trace = new ConnectionTrace(day.label() + "-upstream", rel, List.of());
        WalletSession upstream = new WalletSession(start, trace, Math.max(end, start + trace.durationNanos()));
        return new Result(new WalletDay(day.label(), List.of(upstream), day.events(), upstream.endNanos()), added,
                waits);
    }

    private long gap(SplittableRandom random) {
        return random.nextLong(refreshMin.toNanos(), refreshMax.toNanos() + 1);
    }

    private static long[] blocks(WalletDay day) {
        return day.events().stream().filter(e -> e.kind() != WalletEvent.Kind.PAY).mapToLong(WalletEvent::timeNanos)
                .toArray();
    }

    /** The wallet's payments since the last block before {@code t}. */
    private static int unconfirmedAt(long t, long[] pays, long[] blocks) {
        long lastBlock = Long.MIN_VALUE;
        for (long b : blocks) {
            if (b <= t) {
                lastBlock = b;
            }
        }
        int n = 0;
        for (long p : pays) {
            if (p > lastBlock && p <= t) {
                n++;
            }
        }
        return n;
    }
}

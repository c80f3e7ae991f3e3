package org.bip324shaper.bench.shape.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.junit.jupiter.api.Test;

/** The modelled bridge: one upstream session, Core's ping cadence, refresh slots, and nothing of the wallet lost. */
class NormalizationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Set<String> LOCAL = Set.of("ping", "pong");
    private static final Set<String> SPLICED = Set.of("version", "verack", "sendaddrv2", "feefilter");

    @Test
    void oneSessionCoreCadenceEveryWalletMessageKept() {
        WalletDayGenerator g = WalletDayGenerator.busyWallet();
        WalletDay day = g.generate("n", Duration.ofHours(6), 11);
        Duration owd = g.oneWayDelay(11);
        Normalization norm = Normalization.wallet();
        Normalization.Result r = norm.apply(day, owd, 11);
        assertEquals(1, r.day().sessions().size(), "no connection event after the first");
        List<GenuineMessage> up = r.day().sessions().get(0).messages().messages();

        long[] pings = up.stream().filter(m -> m.direction() == Direction.OUTBOUND && m.type().equals("ping"))
                .mapToLong(GenuineMessage::timeNanos).toArray();
        for (int i = 1; i < pings.length; i++) {
            long gap = pings[i] - pings[i - 1];
            assertTrue(gap >= 120 * SECOND && gap <= 120 * SECOND + 100_000_000L, "upstream ping gap " + gap);
        }
        assertTrue(pings.length >= 6 * 30 - 1, pings.length + " pings in 6 h");

        // Every message the wallet sent, except what the bridge answers itself, reaches the upstream, in order.
        List<String> sent = new ArrayList<>();
        boolean first = true;
        for (WalletSession s : day.sessions()) {
            for (GenuineMessage m : s.messages().messages(Direction.OUTBOUND)) {
                if (!LOCAL.contains(m.type()) && (first || !SPLICED.contains(m.type()))) {
                    sent.add(m.type() + "/" + m.payloadLength());
                }
            }
            first = false;
        }
        List<String> upstream = new ArrayList<>();
        for (GenuineMessage m : up) {
            if (m.direction() == Direction.OUTBOUND && !LOCAL.contains(m.type())) {
                upstream.add(m.type() + "/" + m.payloadLength());
            }
        }
        List<String> remaining = new ArrayList<>(upstream);
        for (String m : sent) {
            assertTrue(remaining.remove(m), "the wallet's " + m + " reaches the upstream");
        }
        // What is left are the bridge's cache-completed refreshes only.
        assertTrue(remaining.stream().allMatch(m -> m.startsWith("filterload/") || m.startsWith("mempool/")
                || m.startsWith("getblocks/")), remaining.toString());
        assertTrue(r.addedWireBytes() > 0);
        assertTrue(r.heldNanos().stream().allMatch(w -> w >= 0 && w <= norm.refreshMax().toNanos()),
                "held refreshes wait at most refreshMax");

        // Each slot writes filterload, mempool and getblocks at one instant, real or from the cache.
        long[] filterloads = up.stream().filter(m -> m.type().equals("filterload")).mapToLong(GenuineMessage::timeNanos)
                .toArray();
        for (int i = 1; i < filterloads.length; i++) { // the first is the wallet's own at connect
            long t = filterloads[i];
            assertTrue(up.stream().anyMatch(m -> m.type().equals("getblocks") && m.timeNanos() == t),
                    "a getblocks with every filterload");
        }
        long slots = java.util.Arrays.stream(filterloads).skip(1).distinct().count();
        double expected = 6 * 60 / 10.0;
        assertTrue(Math.abs(slots - expected) <= 4 * Math.sqrt(expected), slots + " refresh slots in 6 h");
    }
}

package org.bip324shaper.bench.shape.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.bip324shaper.bench.shape.attack.BlockEventRule;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.junit.jupiter.api.Test;

/**
 * Rates are checked against the constants the generator documents, within 4 standard deviations of a Poisson count
 * (a false alarm about once in 16,000 runs for a fixed seed; the seeds are fixed, so a failure means the model moved).
 */
class SyntheticWorkloadTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final SyntheticWorkload.Profile RELAY = SyntheticWorkload.Profile.RELAY;
    private static final ConnectionTrace RELAY_DAY = SyntheticWorkload.generate("relay", RELAY, DAY, 42);

    private static long count(ConnectionTrace t, Direction d, String type) {
        return t.messages(d).stream().filter(m -> m.type().equals(type)).count();
    }

    private static long count(ConnectionTrace t, Predicate<GenuineMessage> p) {
        return t.messages().stream().filter(p).count();
    }

    private static void assertPoisson(double expected, long actual, String what) {
        double bound = 4 * Math.sqrt(expected);
        assertTrue(Math.abs(actual - expected) <= bound, what + ": " + actual + " vs expected " + expected
                + " +- " + bound);
    }

    @Test
    void sameSeedSameWorkloadOtherSeedOther() {
        ConnectionTrace a = SyntheticWorkload.generate("a", RELAY, Duration.ofHours(1), 7);
        ConnectionTrace b = SyntheticWorkload.generate("a", RELAY, Duration.ofHours(1), 7);
        ConnectionTrace c = SyntheticWorkload.generate("a", RELAY, Duration.ofHours(1), 8);
        assertEquals(a, b);
        assertNotEquals(a.messages(), c.messages());
        assertTrue(a.writes().isEmpty(), "a workload has messages only");
        assertTrue(a.durationNanos() < Duration.ofHours(1).toNanos());
    }

    @Test
    void startsWithCoresVersionHandshakeAndTheAddressReply() {
        List<String> ours = RELAY_DAY.messages(Direction.OUTBOUND).stream().map(GenuineMessage::type).toList();
        List<String> theirs = RELAY_DAY.messages(Direction.INBOUND).stream().map(GenuineMessage::type).toList();
        assertEquals(List.of("version", "wtxidrelay", "sendaddrv2", "verack"), ours.subList(0, 4));
        assertEquals(List.of("version", "wtxidrelay", "sendaddrv2", "verack"), theirs.subList(0, 4));
        assertEquals(1, count(RELAY_DAY, Direction.OUTBOUND, "getaddr"));
        GenuineMessage reply = RELAY_DAY.messages(Direction.INBOUND).stream()
                .filter(m -> m.type().equals("addrv2") && m.payloadLength() > 10_000).findFirst().orElseThrow();
        assertTrue(reply.payloadLength() > 15_000 && reply.payloadLength() < 25_000, "about 17 KB: " + reply);
        assertTrue(reply.timeNanos() < 1_000_000_000L, "right after connecting");
    }

    @Test
    void pingsEvery120SecondsEachWayEachAnswered() {
        for (Direction d : Direction.values()) {
            List<Long> pings = RELAY_DAY.messages(d).stream().filter(m -> m.type().equals("ping"))
                    .map(GenuineMessage::timeNanos).toList();
            // The first ping after verack, then one per 120 s + up to 100 ms of message-loop latency.
            assertTrue(pings.size() >= 720 && pings.size() <= 721, d + ": " + pings.size());
            for (int i = 2; i < pings.size(); i++) {
                long gap = pings.get(i) - pings.get(i - 1);
                assertTrue(gap >= 120_000_000_000L && gap < 120_100_000_000L, "gap " + gap);
            }
            assertEquals(pings.size(), count(RELAY_DAY, d.opposite(), "pong"));
        }
    }

    @Test
    void inventoryTrickleFollowsCoresIntervals() {
        double seconds = DAY.toSeconds();
        double rate = RELAY.txPerSecond() / 2; // half announced each way
        // Our trickle fires every 2 s on average; a fire with nothing new sends nothing: P(empty) = 1/(1 + 2 rate).
        double ourInvs = seconds / 2 * (1 - 1 / (1 + 2 * rate));
        double theirInvs = seconds / 5 * (1 - 1 / (1 + 5 * rate));
        assertPoisson(ourInvs, count(RELAY_DAY, Direction.OUTBOUND, "inv"), "our invs");
        assertPoisson(theirInvs, count(RELAY_DAY, Direction.INBOUND, "inv"), "their invs");
        for (Direction d : Direction.values()) {
            long items = RELAY_DAY.messages(d).stream().filter(m -> m.type().equals("inv"))
                    .mapToLong(m -> (m.payloadLength() - (m.payloadLength() > 36 * 252 + 1 ? 3 : 1)) / 36).sum();
            assertPoisson(rate * seconds, items, d + " announced transactions");
            // Each announced item is asked for with the profile's probability; each request gets one tx back.
            long txs = count(RELAY_DAY, d, "tx");
            assertPoisson(rate * seconds * RELAY.requestProbability(), txs, d + " transactions sent");
        }
        assertPoisson(seconds / 600, count(RELAY_DAY, Direction.OUTBOUND, "feefilter") - 1, "our feefilters");
        assertPoisson(seconds / 90, count(RELAY_DAY, m -> m.direction() == Direction.INBOUND
                && m.type().equals("addrv2") && m.payloadLength() < 1000), "their address gossip");
    }

    @Test
    void blocksArriveEvery600SecondsOnAverage() {
        long events = 0;
        int days = 10;
        for (ConnectionTrace t : SyntheticWorkload.many(RELAY, DAY, days, 100)) {
            // Messages of one block all fall within a second or two; distinct blocks 5 s apart are rare (0.8%).
            events += new BlockEventRule(Duration.ofSeconds(5), 8).eventTimes(t).length;
        }
        assertPoisson(days * 144 * (1 - 0.008), events, "block events");
    }

    @Test
    void blocksOnlyHasNoTransactionsAndFullBlocks() {
        ConnectionTrace t = SyntheticWorkload.generate("bo", SyntheticWorkload.Profile.BLOCKS_ONLY,
                Duration.ofHours(48), 3);
        assertEquals(0, count(t, m -> m.type().equals("tx") || m.type().equals("inv")
                || m.type().equals("cmpctblock")));
        List<GenuineMessage> blocks = t.messages().stream().filter(m -> m.type().equals("block")).toList();
        assertTrue(!blocks.isEmpty(), "some blocks cross the link");
        assertTrue(blocks.stream().allMatch(b -> b.payloadLength() >= 100_000 && b.payloadLength() < 4_000_000));
        // The peer usually learns first, so most announcements come from it.
        assertTrue(count(t, Direction.INBOUND, "headers") > 2 * count(t, Direction.OUTBOUND, "headers"));
    }

    @Test
    void badProfilesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SyntheticWorkload.Profile("x", false, -1, 0.5, 0.3,
                0.2, 0.5, 0, Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticWorkload.Profile("x y", false, 1, 0.5, 0.3,
                0.2, 0.5, 0, Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SyntheticWorkload.generate("x", RELAY, Duration.ZERO, 1));
    }
}

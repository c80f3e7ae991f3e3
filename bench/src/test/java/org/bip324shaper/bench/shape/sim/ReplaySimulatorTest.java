package org.bip324shaper.bench.shape.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.bench.shape.attack.Alignment;
import org.bip324shaper.bench.shape.attack.LabeledWrite;
import org.bip324shaper.bench.shape.attack.WriteLabeler;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplaySimulatorTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final ConnectionTrace WORKLOAD = SyntheticWorkload.generate("w",
            SyntheticWorkload.Profile.RELAY, Duration.ofMinutes(20), 5);

    private static Replay replay(String spec, long seed) {
        return ReplaySimulator.run(WORKLOAD, ReplaySimulator.Settings.of(ShapingStrategies.parse(spec), seed));
    }

    @Test
    void sameSeedSameTraceOtherSeedOtherTrace() {
        Replay a = replay("reference", 1);
        Replay b = replay("reference", 1);
        Replay c = replay("reference", 2);
        assertEquals(a.observed(), b.observed());
        assertEquals(a.holds(), b.holds());
        assertEquals(a.ours(), b.ours());
        assertNotEquals(a.observed().writes(), c.observed().writes());
        assertEquals(a.observed().messages().size(), c.observed().messages().size());
    }

    @Test
    void unshapedEveryMessageIsItsOwnWriteOfPayloadPlus21Or33() {
        Replay r = ReplaySimulator.run(WORKLOAD, ReplaySimulator.Settings.of(TrafficConfig.DEFAULT, 1));
        assertEquals(WORKLOAD.messages().size(), r.observed().messages().size());
        assertEquals(0, r.unreleased());
        for (Direction d : Direction.values()) {
            Alignment a = WriteLabeler.sameInstant().align(r.observed(), d);
            List<LabeledWrite> carrying = a.writes().stream().filter(w -> !w.messages().isEmpty()).toList();
            assertEquals(WORKLOAD.messages(d).size(), carrying.size(), d + ": one write per message");
            for (LabeledWrite w : carrying) {
                assertEquals(1, w.messages().size());
                assertEquals(LabeledWrite.wireBytes(w.messages().get(0)), w.write().bytes());
            }
            // Handshake only besides: key (+ garbage) and terminator + version packet (the peer sends them at once).
            assertTrue(a.writes().size() - carrying.size() <= 2, d + ": " + (a.writes().size() - carrying.size()));
        }
        assertTrue(r.holds().stream().allMatch(h -> h.nanos() == 0), "no shaping, no hold");
        // The types and sizes that went in come out, in order per direction.
        for (Direction d : Direction.values()) {
            assertEquals(WORKLOAD.messages(d).stream().map(m -> m.type() + "/" + m.payloadLength()).toList(),
                    r.observed().messages(d).stream().map(m -> m.type() + "/" + m.payloadLength()).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "random", "reference", "light-burst", "lean", "balanced", "strong"})
    void everyMessageIsStampedWithTheWriteThatCarriedIt(String spec) {
        Replay r = replay(spec, 3);
        for (Direction d : Direction.values()) {
            // Throws if a message has no write at its instant.
            Alignment a = WriteLabeler.sameInstant().align(r.observed(), d);
            assertEquals(0, a.unalignedMessages());
        }
        // Bytes recorded on the wire are the engines' own counts.
        long out = r.observed().writes(Direction.OUTBOUND).stream().mapToLong(WireWrite::bytes).sum();
        long in = r.observed().writes(Direction.INBOUND).stream().mapToLong(WireWrite::bytes).sum();
        assertEquals(r.ours().written().totalBytes(), out);
        assertEquals(r.peer().written().totalBytes(), in);
        assertEquals(r.ours().written().totalBytes(), r.peer().read().totalBytes());
    }

    @Test
    void decoysFollowTheirScheduleThroughIdleTime() {
        // Only the version handshake, then 30 idle minutes: RANDOM decoys tick every 100 ms with p = 0.15.
        ConnectionTrace idle = new ConnectionTrace("idle", List.of(
                new GenuineMessage(0, Direction.OUTBOUND, "version", 102),
                new GenuineMessage(30 * 60 * SECOND, Direction.OUTBOUND, "ping", 8)), List.of());
        Replay r = ReplaySimulator.run(idle, ReplaySimulator.Settings.of(
                ShapingStrategies.parse("random-decoys"), 9).withTail(Duration.ZERO));
        double expected = 30 * 60 * 10 * 0.15;
        long decoys = r.ours().written().decoyPackets();
        assertTrue(Math.abs(decoys - expected) < 4 * Math.sqrt(expected), decoys + " vs " + expected);
        assertEquals(30 * 60 * SECOND, r.simulatedNanos());
    }

    @Test
    void answersWaitForTheirDelayedRequests() {
        // A ticker holds small messages up to 4 s; with causality the peer's pong waits for our held ping.
        String lean = "ticker:sizes=80/160/320/640/1280,min=2s,max=4s";
        ReplaySimulator.Settings causal = ReplaySimulator.Settings.of(ShapingStrategies.parse(lean), 4);
        Replay withCausality = ReplaySimulator.run(WORKLOAD, causal);
        Replay without = ReplaySimulator.run(WORKLOAD, causal.withCausal(false));
        long owd = causal.oneWayDelay().toNanos();
        assertEquals(0, pongsBeforeTheirPing(withCausality.observed(), 2 * owd));
        assertTrue(pongsBeforeTheirPing(without.observed(), 2 * owd) > 0,
                "without causality some pongs come back before the held ping went out");
        // Holds are what the ticker promises: at most its 4 s period, and not all zero.
        List<Hold> small = withCausality.holds().stream().filter(h -> h.type().equals("ping")).toList();
        assertTrue(small.stream().allMatch(h -> h.nanos() <= 4 * SECOND + MS), small.toString());
        assertTrue(small.stream().mapToLong(Hold::nanos).average().orElse(0) > 0.5 * SECOND);
    }

    /** Inbound pongs that arrive less than a round trip after the latest outbound ping before them. */
    private static int pongsBeforeTheirPing(ConnectionTrace t, long roundTrip) {
        int bad = 0;
        long lastPing = Long.MIN_VALUE;
        List<GenuineMessage> all = new ArrayList<>(t.messages());
        for (GenuineMessage m : all) {
            if (m.direction() == Direction.OUTBOUND && m.type().equals("ping")) {
                lastPing = m.timeNanos();
            } else if (m.direction() == Direction.INBOUND && m.type().equals("pong")) {
                if (m.timeNanos() - lastPing < roundTrip) {
                    bad++;
                }
            }
        }
        return bad;
    }

    @Test
    void contentsKeepTheWireSize() {
        assertEquals(1 + 8, ReplaySimulator.contents("ping", 8).length);
        assertEquals(18, ReplaySimulator.contents("ping", 8)[0]);
        assertEquals(13 + 102, ReplaySimulator.contents("version", 102).length);
        assertEquals('v', ReplaySimulator.contents("version", 102)[1]);
        assertEquals((byte) 255, ReplaySimulator.contents("unknown", 5)[0]);
        assertThrows(IllegalArgumentException.class, () -> ReplaySimulator.contents("thirteenchars", 0));
        assertThrows(IllegalArgumentException.class, () -> ReplaySimulator.contents("block", 5_000_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "light", "lean", "balanced", "light-burst", "reference"})
    void recordedLinkPlacesEveryMessageOnceInItsDirectionInOrder(String spec) {
        Replay r = replay(spec, 3);
        for (Direction d : Direction.values()) {
            Alignment a = r.alignment(d);
            assertEquals(r.observed().writes(d).size(), a.writes().size(), d + ": one entry per write");
            List<String> carried = new ArrayList<>();
            for (int i = 0; i < a.writes().size(); i++) {
                LabeledWrite w = a.writes().get(i);
                assertEquals(r.observed().writes(d).get(i), w.write(), d + ": the same write, in order");
                w.messages().forEach(m -> carried.add(m.type() + "/" + m.payloadLength()));
            }
            List<String> sent = new ArrayList<>();
            r.observed().messages(d).forEach(m -> sent.add(m.type() + "/" + m.payloadLength()));
            assertEquals(sent, carried, spec + " " + d + ": every recorded message in exactly one write, in order");
        }
    }

    @Test
    void sameInstantRuleMislabelsPaddedWritesTheRecordedLinkDoesNot() {
        // Unpadded, the rule and the recorded link agree on every write; padded writes have room for the next
        // message submitted at the same instant, and the rule credits it to the earlier write.
        assertEquals(0, disagreements(replay("none", 3)), "unshaped");
        Replay padded = replay("light", 3);
        int wrong = disagreements(padded);
        assertTrue(wrong > 0, "the same-instant rule is wrong on some padded writes");
        for (LabeledWrite w : padded.alignment(Direction.OUTBOUND).writes()) {
            long need = w.messages().stream().mapToLong(LabeledWrite::wireBytes).sum();
            assertTrue(need <= w.write().bytes(), "a write carries at most its size: " + w);
        }
    }

    private static int disagreements(Replay r) {
        int wrong = 0;
        List<LabeledWrite> rule = WriteLabeler.sameInstant().align(r.observed(), Direction.OUTBOUND).writes();
        List<LabeledWrite> exact = r.alignment(Direction.OUTBOUND).writes();
        for (int i = 0; i < exact.size(); i++) {
            if (!rule.get(i).label().equals(exact.get(i).label())) {
                wrong++;
            }
        }
        return wrong;
    }
}

package org.bip324shaper.bench.shape.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.bench.shape.attack.Alignment;
import org.bip324shaper.bench.shape.attack.LabeledWrite;
import org.bip324shaper.bench.shape.attack.WriteLabeler;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.trace.CollectingTraceRecorder;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;
import org.bip324shaper.driver.ShapedProtocol;
import org.junit.jupiter.api.Test;

/**
 * Live and simulated agree. The blocking driver over a loopback socket pair, and the simulator, run the same
 * message sequence with the same shaping. Timing cannot match (threads, the OS), and the live driver draws its
 * shaping randomness from SecureRandom, so the comparison is of what must not depend on either:
 * <ul>
 *   <li>a deterministic padding (bucketed): the SAME sequence of outbound write sizes, and the same inbound bytes;</li>
 *   <li>random padding: the same number of writes, each carrying exactly one genuine packet and one decoy of
 *       21..1044 wire bytes, in both;</li>
 *   <li>always: the same message types and sizes in the same order each way, and every message stamped at the
 *       instant of a write or read that can carry it (what the attackers' same-instant labeller relies on).</li>
 * </ul>
 * Reads are not compared one by one: TCP on loopback coalesces the peer's writes into fewer reads.
 */
class LiveAgreementTest {
    private static final ConnectionTrace WORKLOAD = SyntheticWorkload.generate("live",
            SyntheticWorkload.Profile.RELAY, Duration.ofMinutes(10), 11);

    /** What the live run recorded, and our driver's counters. */
    private record Live(ConnectionTrace trace, TrafficStats.Snapshot stats) {
    }

    private static Live live(TrafficConfig ours) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CollectingTraceRecorder recorder = new CollectingTraceRecorder();
        TrafficStats.Snapshot stats;
        ConnectionTrace trace;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<ShapedProtocol> accepted = pool.submit(() -> {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                return ShapedProtocol.over(s, ShapedProtocol.options(Role.RESPONDER, Network.MAINNET)
                        .config(TrafficConfig.DEFAULT));
            });
            Socket socket = new Socket(server.getInetAddress(), server.getLocalPort());
            socket.setTcpNoDelay(true);
            ShapedProtocol us = ShapedProtocol.over(socket, ShapedProtocol.options(Role.INITIATOR, Network.MAINNET)
                    .config(ours).recorder(recorder));
            ShapedProtocol peer = accepted.get(10, TimeUnit.SECONDS);
            List<GenuineMessage> outbound = WORKLOAD.messages(Direction.OUTBOUND);
            List<GenuineMessage> inbound = WORKLOAD.messages(Direction.INBOUND);
            Future<?> peerReads = pool.submit(() -> {
                for (int i = 0; i < outbound.size(); i++) {
                    peer.readContents();
                }
                return null;
            });
            Future<?> ourReads = pool.submit(() -> {
                for (int i = 0; i < inbound.size(); i++) {
                    us.readContents();
                }
                return null;
            });
            Future<?> peerWrites = pool.submit(() -> {
                for (GenuineMessage m : inbound) {
                    peer.writeContents(ReplaySimulator.contents(m.type(), m.payloadLength()));
                }
                return null;
            });
            for (GenuineMessage m : outbound) {
                us.writeContents(ReplaySimulator.contents(m.type(), m.payloadLength()));
            }
            peerWrites.get(30, TimeUnit.SECONDS);
            peerReads.get(30, TimeUnit.SECONDS);
            ourReads.get(30, TimeUnit.SECONDS);
            stats = us.stats().snapshot();
            // taken before the close, whose closing ping (the peer's receipt) the simulator does not model
            trace = recorder.trace("live");
            us.close();
            peer.close();
        } finally {
            pool.shutdownNow();
        }
        return new Live(trace, stats);
    }

    private static Replay simulated(TrafficConfig ours) {
        return ReplaySimulator.run(WORKLOAD, new ReplaySimulator.Settings(ours, TrafficConfig.DEFAULT,
                Duration.ofMillis(1), 1, false, Duration.ofSeconds(1)));
    }

    private static List<Integer> sizes(ConnectionTrace t, Direction d) {
        return t.writes(d).stream().map(WireWrite::bytes).toList();
    }

    private static List<String> types(ConnectionTrace t, Direction d) {
        return t.messages(d).stream().map(m -> m.type() + "/" + m.payloadLength()).toList();
    }

    private static void assertSameMessagesAndStamps(ConnectionTrace live, ConnectionTrace sim) {
        for (Direction d : Direction.values()) {
            assertEquals(types(sim, d), types(live, d), d + " messages");
            assertEquals(WORKLOAD.messages(d).size(), live.messages(d).size());
            Alignment a = WriteLabeler.sameInstant().align(live, d); // throws on a message without its write
            assertEquals(0, a.unalignedMessages());
        }
    }

    @Test
    void deterministicPaddingGivesTheSameWriteSizesLiveAndSimulated() throws Exception {
        TrafficConfig bucketed = ShapingStrategies.parse("bucketed:floor=128");
        ConnectionTrace live = live(bucketed).trace();
        ConnectionTrace sim = simulated(bucketed).observed();
        assertSameMessagesAndStamps(live, sim);
        assertEquals(sizes(sim, Direction.OUTBOUND), sizes(live, Direction.OUTBOUND));
        long liveIn = live.writes(Direction.INBOUND).stream().mapToLong(WireWrite::bytes).sum();
        long simIn = sim.writes(Direction.INBOUND).stream().mapToLong(WireWrite::bytes).sum();
        assertEquals(simIn, liveIn, "the same bytes arrive, in however many reads");
        assertTrue(live.writes(Direction.INBOUND).size() <= sim.writes(Direction.INBOUND).size());
    }

    @Test
    void randomPaddingGivesOneDecoyPerGenuineWriteLiveAndSimulated() throws Exception {
        TrafficConfig random = ShapingStrategies.parse("random");
        Live live = live(random);
        Replay replay = simulated(random);
        ConnectionTrace sim = replay.observed();
        assertSameMessagesAndStamps(live.trace(), sim);
        int messages = WORKLOAD.messages(Direction.OUTBOUND).size();
        for (TrafficStats.Totals written : List.of(live.stats().written(), replay.ours().written())) {
            // One decoy with every genuine packet, 1..1024 contents bytes each.
            assertEquals(messages, written.genuinePackets());
            assertEquals(written.genuinePackets(), written.decoyPackets());
            assertTrue(written.decoyBytes() >= 21L * messages && written.decoyBytes() <= 1044L * messages);
        }
        for (ConnectionTrace t : List.of(live.trace(), sim)) {
            List<WireWrite> writes = t.writes(Direction.OUTBOUND);
            // Key + garbage, terminator + version packet, then one write per genuine packet and its decoy.
            assertEquals(messages + 2, writes.size(), t.label());
            // Where a write's instant is its own (clocks may be coarse, and the simulator sends several messages at
            // one instant), it carries exactly one message and 21..1044 more bytes.
            List<LabeledWrite> labelled = WriteLabeler.sameInstant().align(t, Direction.OUTBOUND).writes();
            int checked = 0;
            for (int i = 2; i < labelled.size(); i++) {
                long time = labelled.get(i).write().timeNanos();
                boolean alone = labelled.get(i - 1).write().timeNanos() != time
                        && (i + 1 == labelled.size() || labelled.get(i + 1).write().timeNanos() != time);
                if (!alone) {
                    continue;
                }
                LabeledWrite w = labelled.get(i);
                assertEquals(1, w.messages().size(), t.label() + " " + w);
                long decoy = w.write().bytes() - LabeledWrite.wireBytes(w.messages().get(0));
                assertTrue(decoy >= 21 && decoy <= 1044, "decoy of " + decoy + " wire bytes");
                checked++;
            }
            assertTrue(checked > messages / 2, t.label() + ": only " + checked + " writes at their own instant");
        }
    }
}

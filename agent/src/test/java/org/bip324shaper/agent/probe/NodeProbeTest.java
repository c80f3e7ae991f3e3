package org.bip324shaper.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bip324shaper.agent.testing.HostilePeers;
import org.bip324shaper.agent.testing.LoopbackServer;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.agent.v2.HandshakeStep;
import org.bip324shaper.agent.v2.V2HandshakeException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.driver.ShapedProtocol;
import org.junit.jupiter.api.Test;

/**
 * The probe against hostile peers: each cause ends in its own message naming the step, what was received and the
 * likely cause, and the whole probe keeps to its one deadline.
 */
class NodeProbeTest {

    private static final Network NET = Network.REGTEST;
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private static V2HandshakeException probeFails(LoopbackServer.Handler peer) throws Exception {
        try (LoopbackServer server = new LoopbackServer(peer)) {
            return assertThrows(V2HandshakeException.class,
                    () -> new NodeProbe(NET, TIMEOUT).probe(server.address()));
        }
    }

    private static V2HandshakeException probeFails(TestV2Node node) {
        return assertThrows(V2HandshakeException.class, () -> new NodeProbe(NET, TIMEOUT).probe(node.address()));
    }

    @Test
    void theSevenCausesOfTheIssueGiveSevenDistinctMessagesNamingStepAndCause() throws Exception {
        Map<String, V2HandshakeException> byCause = new LinkedHashMap<>();
        // garbage as Core sends it (here at least 100 bytes), unlike an echo of our garbage-free probe
        try (TestV2Node mainnet = new TestV2Node(Network.MAINNET,
                org.bip324shaper.core.shaping.ShapingStrategies.parse("handshake:garbage=100..4095"),
                TestV2Node.Misbehaviour.NONE)) {
            byCause.put("wrong network", probeFails(mainnet));
        }
        byCause.put("v1 version reply", probeFails(HostilePeers.v1VersionFirst(NET)));
        byCause.put("key then silence", probeFails(HostilePeers.sendsThenStalls(new SecureRandom().generateSeed(64))));
        byCause.put("version trickled", probeFails(HostilePeers.tricklingResponder(NET, 64, Duration.ofMillis(20))));
        byCause.put("maximal length trickled", probeFails(HostilePeers.maximalLengthTrickled(NET)));
        byCause.put("garbage after version", probeFails(HostilePeers.garbageAfterVersion(NET)));
        byCause.put("echo server", probeFails(HostilePeers.echo()));

        assertStep(byCause.get("wrong network"), HandshakeStep.GARBAGE, "of another network");
        assertStep(byCause.get("v1 version reply"), HandshakeStep.KEY, "v1 'version' message");
        assertStep(byCause.get("key then silence"), HandshakeStep.GARBAGE, "a key and nothing more");
        assertTrue(byCause.get("version trickled").likelyCause().contains("trickles its handshake"),
                byCause.get("version trickled").getMessage());
        assertStep(byCause.get("maximal length trickled"), HandshakeStep.VERSION_MESSAGE, "still arriving");
        assertStep(byCause.get("garbage after version"), HandshakeStep.VERSION_MESSAGE,
                "garbage after the version packet");
        assertTrue(byCause.get("echo server").likelyCause().contains("echo server"),
                byCause.get("echo server").getMessage());

        long distinct = byCause.values().stream().map(V2HandshakeException::likelyCause).distinct().count();
        assertEquals(byCause.size(), distinct, "every cause needs its own message: " + byCause);
    }

    private static void assertStep(V2HandshakeException e, HandshakeStep step, String cause) {
        assertEquals(step, e.step(), e.getMessage());
        assertTrue(e.getMessage().startsWith("v2 connection failed at the " + step.id() + " step ("),
                e.getMessage());
        assertTrue(e.likelyCause().contains(cause), e.getMessage());
    }

    @Test
    void theTimeoutBoundsTheWholeProbeNotEachStep() throws Exception {
        // Each step just inside a per-step timeout: the key after 0.9 T, the rest of the handshake 0.9 T later,
        // then no answer to our version. Per step this took about 2.8 T; as a total it must end by T.
        Duration t = Duration.ofMillis(1000);
        // the deadline bounds waiting for the node; a cold JVM's first key generation (up to a second of class
        // loading and interpreted arithmetic) is our own computing, so it happens before the clock starts
        try (TestV2Node warmUp = new TestV2Node(NET)) {
            new NodeProbe(NET, Duration.ofSeconds(10)).probe(warmUp.address());
        }
        try (LoopbackServer server = new LoopbackServer(socket -> {
            java.io.OutputStream slow = new java.io.FilterOutputStream(socket.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        Thread.sleep(t.toMillis() * 9 / 10);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    out.write(b, off, len);
                    out.flush();
                }
            };
            try (ShapedProtocol ignored = ShapedProtocol.over(socket.getInputStream(), slow,
                    ShapedProtocol.options(Role.RESPONDER, NET))) {
                HostilePeers.drain(socket.getInputStream());
            }
        })) {
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> new NodeProbe(NET, t).probe(server.address()));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            // a deadline, not a speed claim: generous slack for a loaded machine, far below the 2.8 T of per-step
            assertTrue(tookMillis < t.toMillis() + 700, "the probe took " + tookMillis + " ms for a " + t.toMillis()
                    + " ms timeout");
        }
    }
}

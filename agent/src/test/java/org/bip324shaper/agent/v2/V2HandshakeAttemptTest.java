package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import org.bip324shaper.agent.testing.HostilePeers;
import org.bip324shaper.agent.testing.LoopbackServer;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.Test;

/**
 * Tells v1-only peers (worth a v1 redial: nothing at all arrived, as Core's ShouldReconnectV1) from broken or
 * hostile peers (an error naming the step, the bytes received and the likely cause, one test per cause).
 */
class V2HandshakeAttemptTest {

    /** For peers that fail: short, so the tests that wait it out are quick. */
    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private static V2HandshakeAttempt.Outcome attempt(LoopbackServer server) throws IOException {
        return attempt(server, TIMEOUT);
    }

    private static V2HandshakeAttempt.Outcome attempt(LoopbackServer server, Duration timeout) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.address(), 5000);
        return V2HandshakeAttempt.attempt(socket, Network.REGTEST, TrafficConfig.DEFAULT, timeout);
    }

    private static String dropReason(LoopbackServer.Handler peer) throws Exception {
        try (LoopbackServer server = new LoopbackServer(peer)) {
            V2HandshakeAttempt.Outcome outcome = attempt(server);
            assertInstanceOf(V2HandshakeAttempt.Dropped.class, outcome);
            assertTrue(server.awaitAllFinished(Duration.ofSeconds(10)), "our socket must be closed");
            return ((V2HandshakeAttempt.Dropped) outcome).reason();
        }
    }

    @Test
    void aV2PeerEstablishesASession() throws Exception {
        try (TestV2Node node = new TestV2Node(Network.REGTEST)) {
            // the real timeout: a cold JVM's first key agreement must not turn into a fallback on a busy machine
            V2HandshakeAttempt.Outcome outcome = attempt(node.server(), V2UpstreamConnector.DEFAULT_V2_TIMEOUT);
            V2HandshakeAttempt.Established established = assertInstanceOf(V2HandshakeAttempt.Established.class,
                    outcome);
            try {
                assertEquals(node.nextConnection(Duration.ofSeconds(10)).sessionIdHex(),
                        established.protocol().sessionIdHex());
            } finally {
                established.protocol().close();
            }
        }
    }

    /** The attempt against {@code peer} must fail with an error (never a fallback); returns it. */
    private static V2HandshakeException failure(LoopbackServer.Handler peer) throws Exception {
        try (LoopbackServer server = new LoopbackServer(peer)) {
            V2HandshakeException e = assertThrows(V2HandshakeException.class, () -> attempt(server));
            assertTrue(server.awaitAllFinished(Duration.ofSeconds(10)), "our socket must be closed");
            return e;
        }
    }

    private static void assertNames(V2HandshakeException e, HandshakeStep step, String received, String cause) {
        assertEquals(step, e.step(), e.getMessage());
        assertTrue(e.getMessage().startsWith("v2 connection failed at the " + step.id() + " step (" + received),
                e.getMessage());
        assertTrue(e.likelyCause().contains(cause), e.getMessage());
    }

    // --- nothing received: a v1 node, worth the fallback (as Core's ShouldReconnectV1) ---------------------------

    @Test
    void aPeerThatHangsUpWithoutSendingAnythingDropped() throws Exception {
        assertEquals("peer closed the connection without sending anything", dropReason(socket -> {
            socket.getInputStream().readNBytes(64); // our key is out: no reset can overtake the end of stream
            socket.shutdownOutput();
            HostilePeers.drain(socket.getInputStream());
        }));
    }

    @Test
    void aPeerThatResetsWithoutSendingAnythingDropped() throws Exception {
        String reason = dropReason(socket -> {
            socket.getInputStream().readNBytes(4);
            socket.setSoLinger(true, 0); // close with RST
        });
        assertTrue(reason.startsWith("peer dropped the connection without sending anything: SocketException")
                || reason.equals("peer closed the connection without sending anything"), reason);
    }

    @Test
    void aSilentPeerDropped() throws Exception {
        String reason = dropReason(socket -> HostilePeers.drain(socket.getInputStream()));
        assertEquals("peer sent nothing within 400 ms", reason);
    }

    // --- something received: an error naming step, bytes and likely cause, never a fallback ---------------------

    @Test
    void aPartialKeyThenAStallIsAnErrorNotAFallback() throws Exception {
        V2HandshakeException e = failure(HostilePeers.sendsThenStalls(new byte[] {0x11, 0x22}));
        assertNames(e, HandshakeStep.KEY, "received 2 of the peer's 64 key bytes, then silent for ", "part of a key");
        assertEquals(2, e.bytesReceived());
    }

    @Test
    void aPartialKeyThenAHangUpIsAnErrorNotAFallback() throws Exception {
        V2HandshakeException e = failure(socket -> {
            socket.getInputStream().readNBytes(64);
            socket.getOutputStream().write(new byte[10]);
            socket.shutdownOutput();
            HostilePeers.drain(socket.getInputStream());
        });
        assertNames(e, HandshakeStep.KEY, "received 10 of the peer's 64 key bytes, then the peer closed the"
                + " connection", "part of a key");
    }

    @Test
    void aPeerDrippingItsKeyCannotStretchTheBudget() throws Exception {
        // one byte every 50 ms would take 3.2 s for a key; the budget is 400 ms for all of it, not per read
        V2HandshakeException e = failure(socket -> {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 64; i++) {
                out.write(1);
                out.flush();
                Thread.sleep(50);
            }
            HostilePeers.drain(socket.getInputStream());
        });
        assertNames(e, HandshakeStep.KEY, "received ", "trickles its key");
    }

    @Test
    void aKeyThenSilence() throws Exception {
        V2HandshakeException e = failure(HostilePeers.sendsThenStalls(new SecureRandom().generateSeed(64)));
        assertNames(e, HandshakeStep.GARBAGE, "received the peer's 64-byte key, then silent for ",
                "a key and nothing more");
    }

    @Test
    void aV2NodeOfAnotherNetwork() throws Exception {
        try (TestV2Node node = new TestV2Node(Network.MAINNET, V2BridgeTest.CORE_LIKE_GARBAGE,
                TestV2Node.Misbehaviour.NONE)) {
            V2HandshakeException e = assertThrows(V2HandshakeException.class, () -> attempt(node.server()));
            assertNames(e, HandshakeStep.GARBAGE, "received the peer's 64-byte key and ", "of another network");
            assertTrue(e.bytesReceived() >= 64 + 100 + 36, e.getMessage());
        }
    }

    @Test
    void aV1VersionInReplyToOurKey() throws Exception {
        V2HandshakeException e = failure(HostilePeers.v1VersionFirst(Network.REGTEST));
        assertNames(e, HandshakeStep.KEY, "received ", "a v1 'version' message: a v1-only node that speaks first");
    }

    @Test
    void aV1VersionOfAnotherNetwork() throws Exception {
        V2HandshakeException e = failure(HostilePeers.v1VersionFirst(Network.MAINNET));
        assertNames(e, HandshakeStep.KEY, "received ", "of another network (main, we use regtest)");
    }

    @Test
    void anEchoServer() throws Exception {
        V2HandshakeException e = failure(HostilePeers.echo());
        assertTrue(e.likelyCause().contains("echo server"), e.getMessage());
    }

    @Test
    void aHandshakeTrickledAfterTheKey() throws Exception {
        // a genuine responder: its key at once, then terminator and version packet one byte every 20 ms (36 bytes)
        V2HandshakeException e = failure(HostilePeers.tricklingResponder(Network.REGTEST, 64, Duration.ofMillis(20)));
        assertTrue(e.step() == HandshakeStep.GARBAGE || e.step() == HandshakeStep.GARBAGE_OR_VERSION_PACKET,
                e.getMessage());
        assertTrue(e.getMessage().contains("still arriving "), e.getMessage());
        assertTrue(e.likelyCause().contains("trickles its handshake"), e.getMessage());
    }

    @Test
    void garbageWithoutATerminator() throws Exception {
        V2HandshakeException e = failure(HostilePeers.sendsThenStalls(new SecureRandom().generateSeed(64 + 4200)));
        assertNames(e, HandshakeStep.GARBAGE, "received the peer's 64-byte key and ", "no garbage terminator within");
    }

    @Test
    void errorMessagesCarryCountsNeverBytes() throws Exception {
        byte[] key = new byte[64];
        java.util.Arrays.fill(key, (byte) 0x5a);
        V2HandshakeException e = failure(HostilePeers.sendsThenStalls(key));
        assertFalse(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("5a5a"), e.getMessage());
    }
}

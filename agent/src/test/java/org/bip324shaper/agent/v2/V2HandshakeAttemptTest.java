package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import org.bip324shaper.agent.testing.LoopbackServer;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.Test;

/** Tells v1-only peers (worth a v1 redial) from broken v2 peers (an error), by what arrived before the peer's key. */
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

    @Test
    void aPeerThatHangsUpBeforeItsKeyDropped() throws Exception {
        assertEquals("peer closed the connection before its key", dropReason(socket -> {
            socket.getInputStream().readNBytes(64); // our key is out: no reset can overtake the end of stream
            socket.shutdownOutput();
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        }));
    }

    @Test
    void aPeerThatResetsDropped() throws Exception {
        String reason = dropReason(socket -> {
            socket.getInputStream().readNBytes(4);
            socket.setSoLinger(true, 0); // close with RST
        });
        assertTrue(reason.startsWith("peer dropped the connection before its key: SocketException")
                || reason.equals("peer closed the connection before its key"), reason);
    }

    @Test
    void aSilentPeerDropped() throws Exception {
        String reason = dropReason(socket -> socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
        assertEquals("peer sent nothing within 400 ms", reason);
    }

    @Test
    void aPeerSendingPartOfAKeyThenNothingDropped() throws Exception {
        String reason = dropReason(socket -> {
            socket.getOutputStream().write(new byte[10]);
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        });
        assertEquals("peer stalled after 10 of its 64 key bytes for 400 ms", reason);
    }

    @Test
    void aPeerDrippingBytesCannotStretchTheBudget() throws Exception {
        // one byte every 50 ms would take 3.2 s for a key; the budget is 400 ms for all of it, not per read
        String reason = dropReason(socket -> {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 64; i++) {
                out.write(1);
                out.flush();
                Thread.sleep(50);
            }
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        });
        assertTrue(reason.startsWith("peer stalled after "), reason);
    }

    @Test
    void aPeerThatSentAKeyAndThenFailsIsAnErrorNotAFallback() throws Exception {
        try (LoopbackServer server = new LoopbackServer(socket -> {
            socket.getOutputStream().write(new SecureRandom().generateSeed(64)); // any 64 bytes are a valid key
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        })) {
            assertThrows(java.net.SocketTimeoutException.class, () -> attempt(server));
            assertTrue(server.awaitAllFinished(Duration.ofSeconds(10)), "our socket must be closed");
        }
    }
}

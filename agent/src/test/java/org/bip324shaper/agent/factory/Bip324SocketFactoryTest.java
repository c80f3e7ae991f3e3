package org.bip324shaper.agent.factory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.agent.testing.RecordingEvents;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.agent.testing.V1Frames;
import org.bip324shaper.agent.testing.V1OnlyNode;
import org.bip324shaper.core.Network;
import org.junit.jupiter.api.Test;

/** The factory in this JVM, without any agent: connect, exchange v1 frames, close; events checked. */
class Bip324SocketFactoryTest {
    private static final Network NET = Network.REGTEST;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Bip324SocketFactory factory(String agentArgs) {
        AgentConfig config = AgentConfigParser.parse(agentArgs + ",jmx=false,log=off", Map.of(), Map.of()).config();
        return Bip324SocketFactory.create(NET, config);
    }

    private static byte[] version() {
        return V1Frames.frame(NET, "version",
                VersionMessage.probe(7, 1_700_000_000L).encode(new InetSocketAddress("127.0.0.1", 18444)));
    }

    private static byte[] readUntil(InputStream in, String command) throws IOException {
        for (byte[] frame; (frame = V1Frames.read(in)) != null; ) {
            if (V1Frames.command(frame).equals(command)) {
                return frame;
            }
        }
        throw new AssertionError("stream ended before " + command);
    }

    @Test
    void itsSocketsSpeakV2ToThePeerAndV1ToTheirUser() throws Exception {
        Bip324SocketFactory factory = factory("padding=random,decoy=random");
        RecordingEvents events = new RecordingEvents();
        factory.subscribe(events);
        try (TestV2Node node = new TestV2Node(NET)) {
            Socket socket = factory.createSocket();
            assertFalse(socket.isConnected());
            assertThrows(SocketException.class, socket::getInputStream);
            socket.connect(node.address(), 5000);
            assertTrue(socket.isConnected());
            assertEquals(node.address(), socket.getRemoteSocketAddress());
            socket.getOutputStream().write(version());
            socket.getOutputStream().flush();
            byte[] answer = readUntil(socket.getInputStream(), "version");
            assertEquals(TestV2Node.USER_AGENT, VersionMessage.parse(V1Frames.payload(answer)).userAgent());
            byte[] verack = V1Frames.read(socket.getInputStream());
            assertEquals("verack", V1Frames.command(verack));

            ConnectionOpened opened = events.nextOpened(WAIT);
            TestV2Node.Connection atNode = node.nextConnection(WAIT);
            assertNotNull(atNode);
            assertEquals("v2", opened.transport());
            assertEquals(Optional.of(atNode.sessionIdHex()), opened.sessionId());

            socket.close();
            assertTrue(socket.isClosed());
            ConnectionClosed closed = events.nextClosed(WAIT);
            assertEquals(version().length, closed.clientToPeer());
            assertTrue(closed.peerToClient() >= answer.length + verack.length, closed.toString());
            assertTrue(atNode.awaitEnd(WAIT), "closing the socket ends the v2 connection");
            socket.close(); // idempotent, no second event
        }
    }

    /** bitcoinj sizes its reads by available(): after one byte, the rest of the frame must be announced. */
    @Test
    void availableAnnouncesTheRestOfABufferedFrame() throws Exception {
        Bip324SocketFactory factory = factory("padding=off,decoy=off");
        try (TestV2Node node = new TestV2Node(NET); Socket socket = factory.createSocket(
                node.address().getAddress(), node.port())) {
            socket.getOutputStream().write(version());
            InputStream in = socket.getInputStream();
            int first = in.read();
            assertEquals(NET.magicBytes()[0] & 0xff, first);
            assertTrue(in.available() >= V1Frames.HEADER - 1, "available " + in.available());
        }
    }

    @Test
    void aV1OnlyPeerIsReachedOverV1AfterTheFallback() throws Exception {
        Bip324SocketFactory factory = factory("padding=off,decoy=off");
        RecordingEvents events = new RecordingEvents();
        factory.subscribe(events);
        try (V1OnlyNode node = new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.DROP);
             Socket socket = factory.createSocket()) {
            socket.connect(node.address(), 5000);
            socket.getOutputStream().write(version());
            byte[] answer = readUntil(socket.getInputStream(), "version");
            assertEquals(V1OnlyNode.USER_AGENT, VersionMessage.parse(V1Frames.payload(answer)).userAgent());
            assertTrue(events.nextFallback(WAIT).reason().contains("without sending anything"));
            assertEquals("v1", events.nextOpened(WAIT).transport());
        }
    }

    @Test
    void requireV2RefusesAV1OnlyPeerAtConnect() throws Exception {
        Bip324SocketFactory factory = factory("require-v2=true");
        RecordingEvents events = new RecordingEvents();
        factory.subscribe(events);
        try (V1OnlyNode node = new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.DROP);
             Socket socket = factory.createSocket()) {
            IOException e = assertThrows(IOException.class, () -> socket.connect(node.address(), 5000));
            assertTrue(e.getMessage().contains("require-v2"), e.getMessage());
            assertTrue(events.nextFailure(WAIT).detail().contains("require-v2"));
            assertFalse(socket.isConnected());
        }
    }
}

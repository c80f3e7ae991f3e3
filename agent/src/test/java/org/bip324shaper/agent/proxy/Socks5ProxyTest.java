package org.bip324shaper.agent.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEventHub;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.agent.testing.PlainSocksForwarder;
import org.bip324shaper.agent.testing.RecordingEvents;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.agent.testing.V1Frames;
import org.bip324shaper.agent.testing.V1OnlyNode;
import org.bip324shaper.agent.v2.V1OnlyPeers;
import org.bip324shaper.agent.v2.V2UpstreamConnector;
import org.bip324shaper.core.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Socks5ProxyTest {
    private static final Network NET = Network.REGTEST;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(LogLevel.DEBUG, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private final RecordingEvents events = new RecordingEvents();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
        // every per-connection thread ends once both sides are closed; only listeners may stay until closed
        long end = System.nanoTime() + WAIT.toNanos();
        java.util.Set<Thread> left;
        while (!(left = connectionThreads()).isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("proxy threads still alive: " + left);
            }
            Thread.sleep(10);
        }
    }

    private static java.util.Set<Thread> connectionThreads() {
        java.util.Set<Thread> threads = org.bip324shaper.agent.testing.BridgeHarness.agentThreads();
        threads.removeIf(t -> !t.getName().startsWith("bip324-socks-#"));
        return threads;
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private Socks5Proxy proxy(String agentArgs, Optional<InetSocketAddress> upstreamSocks) throws Exception {
        AgentConfig config = AgentConfigParser.parse(agentArgs, Map.of(), Map.of()).config();
        ConnectionEventHub hub = new ConnectionEventHub(new ConnectionLogLines(log), events);
        return track(Socks5Proxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                new V2UpstreamConnector(config, Duration.ofSeconds(2), V1OnlyPeers.off(), log, hub), upstreamSocks,
                log, hub));
    }

    /** The JDK's own SOCKS5 client, as any Java client with a proxy setting uses it. */
    private Socket viaProxy(Socks5Proxy proxy, InetSocketAddress peer) throws Exception {
        Socket socket = track(new Socket(new Proxy(Proxy.Type.SOCKS, proxy.address())));
        socket.connect(peer, 5000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static byte[] version() {
        return V1Frames.frame(NET, "version",
                VersionMessage.probe(7, 1_700_000_000L).encode(new InetSocketAddress("127.0.0.1", 18444)));
    }

    private static byte[] readUntil(InputStream in, String command) throws Exception {
        for (byte[] frame; (frame = V1Frames.read(in)) != null; ) {
            if (V1Frames.command(frame).equals(command)) {
                return frame;
            }
        }
        throw new AssertionError("stream ended before " + command);
    }

    @Test
    void aSocksClientReachesAV2PeerOverV2AndTheEventsMatchThePeer() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        Socks5Proxy proxy = proxy("padding=random,decoy=off", Optional.empty());
        Socket client = viaProxy(proxy, node.address());
        client.getOutputStream().write(version());
        byte[] answer = readUntil(client.getInputStream(), "version");
        assertEquals(TestV2Node.USER_AGENT, VersionMessage.parse(V1Frames.payload(answer)).userAgent());

        ConnectionOpened opened = events.nextOpened(WAIT);
        TestV2Node.Connection atNode = node.nextConnection(WAIT);
        assertNotNull(atNode);
        assertEquals("v2", opened.transport());
        assertEquals(Optional.of(atNode.sessionIdHex()), opened.sessionId(), "both ends derived the same session");
        assertEquals(node.address(), opened.peer());
        assertEquals(Optional.of(NET), opened.network());

        client.close();
        ConnectionClosed closed = events.nextClosed(WAIT);
        assertEquals(opened.id(), closed.id());
        assertEquals(version().length, closed.clientToPeer());
        assertTrue(closed.peerToClient() >= answer.length, closed.toString());
        assertTrue(closed.wire().orElseThrow().written().genuineBytes() > 0, closed.toString());
        String text = logBytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("#" + opened.id() + " open peer=" + node.address().getAddress().getHostAddress()),
                text);
    }

    /** Bitcoin Core's SOCKS5 client: offers user/password too and sends the IP as a domain name. */
    @Test
    void aBitcoinCoreStyleRequestWithTheAddressAsANameIsServed() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        Socks5Proxy proxy = proxy("padding=off,decoy=off", Optional.empty());
        Socket client = track(new Socket());
        client.connect(proxy.address(), 5000);
        client.setSoTimeout(20_000);
        OutputStream out = client.getOutputStream();
        DataInputStream in = new DataInputStream(client.getInputStream());
        out.write(new byte[] {5, 2, 0, 2});
        assertArrayEquals(new byte[] {5, 0}, in.readNBytes(2), "no authentication chosen");
        byte[] host = "127.0.0.1".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(new byte[] {5, 1, 0, 3, (byte) host.length});
        request.writeBytes(host);
        request.writeBytes(new byte[] {(byte) (node.port() >> 8), (byte) node.port()});
        out.write(request.toByteArray());
        byte[] reply = in.readNBytes(10);
        assertEquals(0, reply[1], "succeeded");
        out.write(version());
        readUntil(in, "verack");
        assertEquals("v2", events.nextOpened(WAIT).transport());
    }

    @Test
    void unsupportedRequestsGetTheirRfcReplyAndAClose() throws Exception {
        Socks5Proxy proxy = proxy("padding=off,decoy=off", Optional.empty());
        // only username/password offered
        try (Socket client = new Socket()) {
            client.connect(proxy.address(), 5000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(new byte[] {5, 1, 2});
            assertArrayEquals(new byte[] {5, (byte) 0xFF}, client.getInputStream().readNBytes(2));
            assertEquals(-1, client.getInputStream().read());
        }
        // BIND
        try (Socket client = new Socket()) {
            client.connect(proxy.address(), 5000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(new byte[] {5, 1, 0, 5, 2, 0, 1, 127, 0, 0, 1, 0, 80});
            byte[] reply = client.getInputStream().readNBytes(12);
            assertEquals(7, reply[3], "command not supported");
            assertEquals(12, reply.length);
        }
        // SOCKS4
        try (Socket client = new Socket()) {
            client.connect(proxy.address(), 5000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(new byte[] {4, 1, 0, 80, 127, 0, 0, 1, 0});
            assertEquals(-1, client.getInputStream().read(), "not SOCKS5: closed without an answer");
        }
    }

    @Test
    void aNonLoopbackListenAddressIsRefusedUnlessForced() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Socks5Proxy.start(new InetSocketAddress("0.0.0.0", 0), false,
                        (request, dialer) -> { throw new AssertionError(); }, Optional.empty(), log,
                        ConnectionEvents.NONE));
        assertTrue(e.getMessage().contains("--allow-remote"), e.getMessage());
    }

    @Test
    void aV1OnlyPeerFallsBackWithAnEventAndTheClientNoticesNothing() throws Exception {
        V1OnlyNode node = track(new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.DROP));
        Socks5Proxy proxy = proxy("padding=off,decoy=off", Optional.empty());
        Socket client = viaProxy(proxy, node.address());
        client.getOutputStream().write(version());
        byte[] answer = readUntil(client.getInputStream(), "version");
        assertEquals(V1OnlyNode.USER_AGENT, VersionMessage.parse(V1Frames.payload(answer)).userAgent());
        assertTrue(events.nextFallback(WAIT).reason().contains("without sending anything"));
        ConnectionOpened opened = events.nextOpened(WAIT);
        assertEquals("v1", opened.transport());
        assertTrue(opened.note().orElseThrow().startsWith("v1 fallback"), opened.toString());
    }

    /** --upstream-socks: peers are dialed through another SOCKS5 proxy, names resolved there, and still v2. */
    @Test
    void chainsToAnUpstreamSocksProxyAndLeavesNamesToIt() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        PlainSocksForwarder tor = track(new PlainSocksForwarder());
        Socks5Proxy proxy = proxy("padding=off,decoy=off",
                Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", tor.port())));
        Socket client = viaProxy(proxy, InetSocketAddress.createUnresolved("localhost", node.port()));
        client.getOutputStream().write(version());
        readUntil(client.getInputStream(), "verack");
        ConnectionOpened opened = events.nextOpened(WAIT);
        assertEquals("v2", opened.transport());
        assertTrue(opened.peer().isUnresolved(), "the name was not resolved locally: " + opened.peer());
        assertEquals(List.of("localhost:" + node.port()), tor.destinations());
        assertEquals(Optional.of(node.nextConnection(WAIT).sessionIdHex()), opened.sessionId());
    }
}

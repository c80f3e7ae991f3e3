package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.agent.testing.BridgeHarness;
import org.bip324shaper.agent.testing.HostilePeers;
import org.bip324shaper.agent.testing.LoopbackServer;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.agent.testing.V1Frames;
import org.bip324shaper.agent.testing.V1OnlyNode;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.agent.testing.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bridge with the BIP-324 upstream against in-process peers: the project's own v2 responder, a v1-only node,
 * and peers that misbehave. "Wallet" sockets write and read raw v1 frames made by an independent framer.
 */
class V2BridgeTest {

    private static final Network NET = Network.REGTEST;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * For the tests that wait for a v2 timeout to pass: short, so they do not wait 2 s each. The others use the
     * real 2 s, so that a loaded machine cannot turn a slow answer into a fallback.
     */
    private static final Duration SHORT_V2_TIMEOUT = Duration.ofMillis(500);
    private static final Random RANDOM = new Random(324);
    /**
     * A node that sends garbage as Bitcoin Core does (at least 100 bytes here, so that its byte count can never equal
     * ours without garbage: that equality is what marks an echo).
     */
    static final TrafficConfig CORE_LIKE_GARBAGE =
            org.bip324shaper.core.shaping.ShapingStrategies.parse("handshake:garbage=100..4095");

    @RegisterExtension
    final Resources resources = new Resources();
    /** On (it is opt-in), so that the tests can check what is and is not remembered. */
    private V1OnlyPeers v1OnlyPeers = new V1OnlyPeers(Duration.ofMinutes(10));

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    private BridgeHarness bridge(String agentArgs) {
        return bridge(agentArgs, V2UpstreamConnector.DEFAULT_V2_TIMEOUT);
    }

    private BridgeHarness bridge(String agentArgs, Duration v2Timeout) {
        AgentConfig config = AgentConfigParser.parse(agentArgs, java.util.Map.of(), java.util.Map.of()).config();
        return track(new BridgeHarness(log -> new V2UpstreamConnector(config, v2Timeout, v1OnlyPeers, log)));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] versionPayload() {
        return VersionMessage.probe(7, 1_700_000_000L).encode(new InetSocketAddress("127.0.0.1", 18444));
    }

    /** Writes {@code bytes} in random pieces, some a single byte, as a TCP stream may deliver them. */
    private static void writeInPieces(OutputStream out, byte[] bytes) throws IOException {
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, RANDOM.nextInt(4) == 0 ? 1 : 1 + RANDOM.nextInt(70_000));
            out.write(bytes, at, n);
            out.flush();
            at += n;
        }
    }

    private static NetworkMessage msg(String command, byte[] payload) {
        return new NetworkMessage(command, payload);
    }

    private static byte[] frame(String command, byte[] payload) {
        return V1Frames.frame(NET, command, payload);
    }

    /** Reads frames until one with {@code command}; returns it. */
    private static byte[] readUntil(InputStream in, String command) throws IOException {
        for (byte[] frame; (frame = V1Frames.read(in)) != null; ) {
            if (V1Frames.command(frame).equals(command)) {
                return frame;
            }
        }
        throw new AssertionError("stream ended before a " + command + " frame");
    }

    // --- translation --------------------------------------------------------------------------------------------

    @Test
    void walletFramesReachTheV2PeerAsThePacketsTheBipDefines() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("padding=random,decoy=random");
        List<NetworkMessage> sent = List.of(
                msg("version", versionPayload()),
                msg("verack", new byte[0]),
                msg("ping", randomBytes(8)),
                msg("inv", randomBytes(37)),
                msg("addrv2", new byte[0]),
                msg("sendaddrv2", new byte[0]),
                msg("bip324-test", randomBytes(100)),   // no short ID, 11 characters
                msg("headers", randomBytes(70_000)),    // crosses the bridge's 16 KiB reads
                msg("block", randomBytes(1 << 20)),
                msg("tx", randomBytes(1)));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (NetworkMessage m : sent) {
            stream.writeBytes(frame(m.command(), m.copyPayload()));
        }
        try (Socket wallet = bridge.wallet(node.address())) {
            writeInPieces(wallet.getOutputStream(), stream.toByteArray());
            TestV2Node.Connection connection = node.nextConnection(WAIT);
            assertNotNull(connection, "no v2 connection reached the node\n" + bridge.log());
            for (NetworkMessage m : sent) {
                byte[] contents = connection.nextContents(WAIT);
                assertNotNull(contents, "node did not get " + m.command());
                assertArrayEquals(V1Frames.v2Contents(m.command(), m.copyPayload()), contents, m.command());
            }
            assertNull(connection.nextContents(Duration.ofMillis(200)), "nothing else was sent");
        }
    }

    @Test
    void traceOptionWritesOneShapeTraceFilePerConnectionWithoutContents(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("padding=random,decoy=off,trace=" + dir);
        byte[] ping = randomBytes(8);
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            wallet.getOutputStream().write(frame("ping", ping));
            wallet.getOutputStream().flush();
            TestV2Node.Connection connection = node.nextConnection(WAIT);
            assertNotNull(connection, bridge.log());
            assertNotNull(connection.nextContents(WAIT));
            assertNotNull(connection.nextContents(WAIT));
            // the pong comes after the node's verack: only a peer that shook hands gets a closing ping
            readUntil(wallet.getInputStream(), "pong");
        }
        java.nio.file.Path file = null;
        for (long end = System.nanoTime() + WAIT.toNanos(); file == null && System.nanoTime() < end; ) {
            try (var files = java.nio.file.Files.list(dir)) {
                file = files.filter(f -> f.toString().endsWith(".trace")).findFirst().orElse(null);
            }
            if (file == null) {
                Thread.sleep(20);
            }
        }
        assertNotNull(file, "no trace file in " + dir + "\n" + bridge.log());
        org.bip324shaper.core.trace.ConnectionTrace trace = null;
        for (long end = System.nanoTime() + WAIT.toNanos(); trace == null && System.nanoTime() < end; ) {
            try {
                trace = org.bip324shaper.core.trace.TraceFiles.read(file);
            } catch (java.io.IOException | RuntimeException stillBeingWritten) {
                Thread.sleep(20);
            }
        }
        assertNotNull(trace, "trace file never became readable");
        List<String> sentTypes = trace.messages(org.bip324shaper.core.trace.Direction.OUTBOUND).stream()
                .map(org.bip324shaper.core.trace.GenuineMessage::type).toList();
        assertEquals(List.of("version", "ping"), sentTypes, "the closing ping is the engine's, not traced");
        // With RANDOM padding every genuine write also carries a decoy: no write has the bare ping size (8 + 21).
        assertTrue(trace.writes(org.bip324shaper.core.trace.Direction.OUTBOUND).stream()
                .noneMatch(w -> w.bytes() == 29), trace.writes().toString());
        String text = java.nio.file.Files.readString(file);
        assertFalse(text.contains(org.bip324shaper.core.Hex.encode(ping)), "a trace must never hold contents");
    }

    @Test
    void peerPacketsReachTheWalletAsTheExactV1Frames() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("padding=off,decoy=off");
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            InputStream in = wallet.getInputStream();
            byte[] version = V1Frames.read(in);
            assertEquals("version", V1Frames.command(version));
            assertArrayEquals(frame("verack", new byte[0]), V1Frames.read(in));
            assertTrue(VersionMessage.parse(V1Frames.payload(version)).userAgent().equals(TestV2Node.USER_AGENT));

            TestV2Node.Connection connection = node.nextConnection(WAIT);
            byte[] nonce = randomBytes(8);
            byte[] block = randomBytes(1 << 20);
            byte[] custom = randomBytes(33);
            connection.write(msg("ping", nonce));                               // short ID
            connection.writeContents(longForm("ping", nonce));                  // long form of a short-ID command
            connection.writeContents(new byte[] {(byte) 200, 1, 2, 3});          // unknown ID: Core skips it
            connection.write(msg("block", block));
            connection.write(msg("wtxidrelay", new byte[0]));                   // long form only
            connection.write(msg("bip324-test", custom));
            assertArrayEquals(frame("ping", nonce), V1Frames.read(in));
            assertArrayEquals(frame("ping", nonce), V1Frames.read(in));
            assertArrayEquals(frame("block", block), V1Frames.read(in), "the unknown ID must leave no trace");
            assertArrayEquals(frame("wtxidrelay", new byte[0]), V1Frames.read(in));
            assertArrayEquals(frame("bip324-test", custom), V1Frames.read(in));
        }
    }

    private static byte[] longForm(String command, byte[] payload) {
        byte[] contents = new byte[13 + payload.length];
        byte[] name = command.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, contents, 1, name.length);
        System.arraycopy(payload, 0, contents, 13, payload.length);
        return contents;
    }

    @Test
    void logsV2WithTheSessionIdAtOpenAndWireBytesAtCloseButNoContents() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("padding=random,decoy=off");
        byte[] marker = "MARKER-IN-A-PAYLOAD".getBytes(StandardCharsets.US_ASCII);
        String sessionId;
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            wallet.getOutputStream().write(frame("ping", marker));
            InputStream in = wallet.getInputStream();
            assertArrayEquals(frame("pong", marker), readUntil(in, "pong"));
            sessionId = node.nextConnection(WAIT).sessionIdHex();
        }
        String peer = "127.0.0.1:" + node.port();
        String log = bridge.awaitLog(" close peer=" + peer);
        assertTrue(sessionId.matches("[0-9a-f]{64}"), sessionId);
        assertTrue(log.contains(" open peer=" + peer + " network=regtest transport=v2 session=" + sessionId + "\n"),
                log);
        Matcher close = Pattern.compile(" close peer=" + Pattern.quote(peer) + " wallet->peer=(\\d+) peer->wallet=(\\d+)"
                + " bytes; v2 wire sent genuine=(\\d+) decoy=(\\d+) handshake=(\\d+) received genuine=(\\d+)"
                + " decoy=(\\d+) handshake=(\\d+) dropped=0; undelivered=0 msgs/0 bytes\n").matcher(log);
        assertTrue(close.find(), log);
        long walletToPeer = Long.parseLong(close.group(1));
        assertEquals(frame("version", versionPayload()).length + frame("ping", marker).length, walletToPeer);
        long sentGenuine = Long.parseLong(close.group(3));
        // 2 packets: contents = payload + 1 or 13 type bytes, plus 3 length bytes and 17 for header and tag each;
        // then the closing ping (8-byte nonce) that asks the node for its receipt before the FIN
        assertEquals(versionPayload().length + 13 + 20 + marker.length + 1 + 20 + 8 + 1 + 20, sentGenuine);
        assertTrue(Long.parseLong(close.group(4)) > 0, "padding=random pads every genuine packet with a decoy");
        assertTrue(Long.parseLong(close.group(5)) >= 64 + 16 + 20, "key, terminator and version packet");
        assertTrue(Long.parseLong(close.group(6)) > 0);
        assertEquals("0", close.group(7), "the node sends no decoys");
        String hexMarker = org.bip324shaper.core.Hex.encode(marker);
        assertFalse(log.contains("MARKER") || log.toLowerCase().contains(hexMarker), "payload leaked into the log");
    }

    // --- fallback -----------------------------------------------------------------------------------------------

    @Test
    void aV1OnlyPeerGetsTheWalletsBytesReplayedOverV1AndIsRememberedAfterTwoDrops() throws Exception {
        V1OnlyNode node = track(new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.DROP));
        BridgeHarness bridge = bridge("");
        byte[] walletBytes = concat(frame("version", versionPayload()), frame("ping", randomBytes(8)));
        try (Socket wallet = bridge.wallet(node.address())) {
            writeInPieces(wallet.getOutputStream(), walletBytes);
            InputStream in = wallet.getInputStream();
            assertEquals("version", V1Frames.command(V1Frames.read(in)));
            assertEquals("verack", V1Frames.command(V1Frames.read(in)));
            assertEquals("pong", V1Frames.command(V1Frames.read(in)));
            assertArrayEquals(walletBytes, node.receivedBy(0), "the v1 peer must get the wallet's stream whole");
        }
        assertEquals(1, node.foreignOpenings(), "one v2 attempt");
        assertFalse(v1OnlyPeers.isV1Only(node.address()), "one drop must never be remembered");
        String peer = "127.0.0.1:" + node.address().getPort();
        String log = bridge.awaitLog(" close peer=" + peer);
        assertTrue(log.contains(" open peer=" + peer + " network=regtest transport=v1 session=- (v1 fallback: peer "),
                log);
        assertTrue(log.contains("WARN  #1 downgrade to plaintext v1 for " + peer + ": peer closed the connection"
                + " without sending anything (require-v2=true refuses instead)\n"), log);

        // the second drop in a row: the peer is remembered
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            assertEquals("version", V1Frames.command(V1Frames.read(wallet.getInputStream())));
        }
        assertEquals(2, node.foreignOpenings());
        assertTrue(v1OnlyPeers.isV1Only(node.address()));
        bridge.awaitLog("#2 downgrade to plaintext v1 for " + peer + ": peer closed the connection without sending"
                + " anything (require-v2=true refuses instead); remembered as v1-only for 10 min");

        // the next connection goes straight to v1, and says so at WARN
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            assertEquals("version", V1Frames.command(V1Frames.read(wallet.getInputStream())));
        }
        assertEquals(2, node.foreignOpenings(), "no further v2 attempt to a remembered peer");
        assertEquals(3, node.v1Connections());
        bridge.awaitLog("transport=v1 session=- (peer dropped v2 2 times within the last 10 min: v1 without"
                + " retrying)");
        bridge.awaitLog("WARN  #3 downgrade to plaintext v1 for " + peer + ": it dropped v2 2 times in a row");
    }

    @Test
    void v1MemoryIsOffByDefault() throws Exception {
        V1OnlyNode node = track(new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.DROP));
        AgentConfig config = AgentConfigParser.parse("", java.util.Map.of(), java.util.Map.of()).config();
        BridgeHarness bridge = track(new BridgeHarness(log -> new V2UpstreamConnector(config, log)));
        for (int i = 0; i < 3; i++) {
            try (Socket wallet = bridge.wallet(node.address())) {
                wallet.getOutputStream().write(frame("version", versionPayload()));
                assertEquals("version", V1Frames.command(V1Frames.read(wallet.getInputStream())));
            }
        }
        assertEquals(3, node.foreignOpenings(), "every connection tries v2 first");
    }

    @Test
    void aPeerSilentToV2FallsBackAfterTheTimeout() throws Exception {
        V1OnlyNode node = track(new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.IGNORE));
        BridgeHarness bridge = bridge("", SHORT_V2_TIMEOUT);
        byte[] version = frame("version", versionPayload());
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(version);
            assertEquals("version", V1Frames.command(V1Frames.read(wallet.getInputStream())));
            assertArrayEquals(version, node.receivedBy(0));
        }
        bridge.awaitLog("transport=v1 session=- (v1 fallback: peer sent nothing within 500 ms)");
        bridge.awaitLog("downgrade to plaintext v1 for 127.0.0.1:" + node.address().getPort()
                + ": peer sent nothing within 500 ms");
        assertFalse(v1OnlyPeers.isV1Only(node.address()));
    }

    @Test
    void aPartialKeyThenAStallIsAnErrorNeverAFallbackNorRemembered() throws Exception {
        LoopbackServer stall = track(new LoopbackServer(socket -> {
            socket.getOutputStream().write(new byte[] {0x11, 0x22}); // 2 of 64 key bytes
            socket.getOutputStream().flush();
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        }));
        BridgeHarness bridge = bridge("", SHORT_V2_TIMEOUT);
        for (int i = 1; i <= 2; i++) {
            try (Socket wallet = bridge.wallet(stall.address())) {
                wallet.getOutputStream().write(frame("version", versionPayload()));
                assertEquals(-1, wallet.getInputStream().read(), "the wallet's connection must be closed");
            }
            bridge.awaitLog("#" + i + " could not open the upstream to 127.0.0.1:" + stall.port()
                    + ": V2HandshakeException: v2 connection failed at the key step (received 2 of the peer's 64"
                    + " key bytes, then silent for ");
        }
        assertEquals(2, stall.accepted(), "no v1 redial: only the two v2 attempts reached the peer");
        assertFalse(v1OnlyPeers.isV1Only(stall.address()), "an error is no evidence of a v1 peer");
        assertFalse(bridge.log().contains("transport=v1"), bridge.log());
        assertFalse(bridge.log().contains("downgrade"), bridge.log());
        assertTrue(stall.awaitAllFinished(WAIT), "the peer's sockets must be closed");
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void hostilePeersGetDistinctLogLinesNamingStepAndCauseAndNeverAFallback() throws Exception {
        BridgeHarness bridge = bridge("padding=off,decoy=off", SHORT_V2_TIMEOUT);
        TestV2Node mainnet = track(new TestV2Node(Network.MAINNET, CORE_LIKE_GARBAGE, TestV2Node.Misbehaviour.NONE));
        java.util.Map<String, InetSocketAddress> peers = new java.util.LinkedHashMap<>();
        peers.put("at the garbage step (received the peer's 64-byte key and |of another network", mainnet.address());
        peers.put("at the key step (received |a v1 'version' message",
                track(new LoopbackServer(HostilePeers.v1VersionFirst(NET))).address());
        peers.put("at the garbage step (received the peer's 64-byte key, then silent|a key and nothing more",
                track(new LoopbackServer(HostilePeers.sendsThenStalls(randomBytes(64)))).address());
        peers.put(" step (received the peer's 64-byte key and |trickles its handshake", track(new LoopbackServer(
                HostilePeers.tricklingResponder(NET, 64, Duration.ofMillis(20)))).address());
        peers.put("at the key step (received 2 of the peer's 64 key bytes|part of a key",
                track(new LoopbackServer(HostilePeers.sendsThenStalls(new byte[] {1, 2}))).address());
        peers.put(" step (received |echo server", track(new LoopbackServer(HostilePeers.echo())).address());
        java.util.Set<String> lines = new java.util.HashSet<>();
        for (java.util.Map.Entry<String, InetSocketAddress> peer : peers.entrySet()) {
            try (Socket wallet = bridge.wallet(peer.getValue())) {
                wallet.getOutputStream().write(frame("version", versionPayload()));
                assertEquals(-1, wallet.getInputStream().read(), "the wallet's connection must be closed");
            }
            String prefix = "could not open the upstream to 127.0.0.1:" + peer.getValue().getPort()
                    + ": V2HandshakeException: v2 connection failed ";
            String log = bridge.awaitLog(prefix);
            String line = log.substring(log.indexOf(prefix));
            line = line.substring(0, line.indexOf('\n'));
            String[] expected = peer.getKey().split("\\|");
            assertTrue(line.contains(expected[0]) && line.contains(expected[1]), line);
            lines.add(line.substring(line.indexOf("): ") + 3).replaceAll("\\d+", "N"));
        }
        assertEquals(peers.size(), lines.size(), "each cause must read differently: " + lines);
        assertFalse(bridge.log().contains("transport=v1"), bridge.log());
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void aPeerThatCannotBeReachedIsTheConnectStep() throws Exception {
        int port;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        BridgeHarness bridge = bridge("");
        try (Socket wallet = bridge.wallet(new InetSocketAddress("127.0.0.1", port))) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            assertEquals(-1, wallet.getInputStream().read());
        }
        bridge.awaitLog("could not open the upstream to 127.0.0.1:" + port + ": V2HandshakeException: v2 connection"
                + " failed at the connect step (nothing received): could not connect to the peer");
        assertFalse(bridge.log().contains("transport=v1"), "no fallback for a peer that cannot be reached");
    }

    @Test
    void requireV2ClosesInsteadOfFallingBack() throws Exception {
        V1OnlyNode node = track(new V1OnlyNode(NET, V1OnlyNode.OnForeignInput.DROP));
        BridgeHarness bridge = bridge("require-v2=true");
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            assertEquals(-1, wallet.getInputStream().read(), "the wallet's connection must be closed");
        }
        bridge.awaitLog("could not open the upstream to 127.0.0.1:" + node.address().getPort()
                + ": IOException: require-v2=true and the v2 attempt was dropped (peer ");
        assertEquals(1, node.foreignOpenings());
        assertEquals(0, node.v1Connections(), "no v1 connection with require-v2");
        assertFalse(v1OnlyPeers.isV1Only(node.address()), "require-v2 keeps trying v2");
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void aStreamWithoutANetworkMagicIsRelayedUntouched() throws Exception {
        LoopbackServer echo = track(new LoopbackServer(s -> s.getInputStream().transferTo(s.getOutputStream())));
        BridgeHarness bridge = bridge("");
        byte[] text = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket wallet = bridge.wallet(echo.address())) {
            wallet.getOutputStream().write(text);
            wallet.shutdownOutput();
            assertArrayEquals(text, wallet.getInputStream().readAllBytes());
        }
        bridge.awaitLog(" network=unknown transport=v1 session=- (unknown network magic: relayed as v1, untouched)");
    }

    @Test
    void requireV2RefusesAStreamWithoutANetworkMagic() throws Exception {
        LoopbackServer echo = track(new LoopbackServer(s -> s.getInputStream().transferTo(s.getOutputStream())));
        BridgeHarness bridge = bridge("require-v2=true");
        try (Socket wallet = bridge.wallet(echo.address())) {
            wallet.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, wallet.getInputStream().read());
        }
        bridge.awaitLog("require-v2=true, but the wallet's first bytes carry no known network magic");
        assertEquals(0, echo.accepted(), "never dialed");
    }

    // --- bad input: clear log line, both sides closed, nothing left running ---------------------------------------

    @Test
    void peerGarbageWithoutATerminatorClosesBothSides() throws Exception {
        LoopbackServer garbage = track(new LoopbackServer(socket -> {
            socket.getOutputStream().write(new SecureRandom().generateSeed(64 + 4200));
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        }));
        BridgeHarness bridge = bridge("");
        try (Socket wallet = bridge.wallet(garbage.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            assertEquals(-1, wallet.getInputStream().read());
        }
        bridge.awaitLog("V2HandshakeException: v2 connection failed at the garbage step (received the peer's 64-byte"
                + " key and 4200 bytes more): no garbage terminator within 4095 bytes of garbage: most likely a"
                + " BIP-324 node of another network");
        assertTrue(garbage.awaitAllFinished(WAIT), "the peer's socket must be closed");
        assertFalse(v1OnlyPeers.isV1Only(garbage.address()), "a broken v2 peer is not a v1 peer");
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void aPacketThatFailsAuthenticationClosesBothSides() throws Exception {
        assertBadPeerPacketClosesBothSides(TestV2Node.Misbehaviour.BAD_TAG_AFTER_VERSION, "AuthenticationException");
    }

    @Test
    void aPacketAnnouncingAnOversizeLengthClosesBothSides() throws Exception {
        assertBadPeerPacketClosesBothSides(TestV2Node.Misbehaviour.OVERSIZE_AFTER_VERSION,
                "OversizeException: packet contents of ");
    }

    private void assertBadPeerPacketClosesBothSides(TestV2Node.Misbehaviour misbehaviour, String expectedError)
            throws Exception {
        TestV2Node node = track(new TestV2Node(NET, TrafficConfig.DEFAULT, misbehaviour));
        BridgeHarness bridge = bridge("");
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            InputStream in = wallet.getInputStream();
            assertEquals("version", V1Frames.command(V1Frames.read(in)));
            assertEquals("verack", V1Frames.command(V1Frames.read(in)));
            assertEquals(-1, in.read(), "the wallet's connection must end after the bad packet");
        }
        String log = bridge.awaitLog("bad data from the peer 127.0.0.1:" + node.port() + " at the session step"
                + " (after ");
        assertTrue(log.contains("bytes to the wallet), closing both sides: " + expectedError), log);
        assertTrue(node.nextConnection(WAIT).awaitEnd(WAIT), "the peer connection must be closed");
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void packetsWithoutAValidMessageTypeAreDroppedAndCountedAsCoreDoes() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("");
        byte[] nonce = randomBytes(8);
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            InputStream in = wallet.getInputStream();
            readUntil(in, "verack");
            TestV2Node.Connection connection = node.nextConnection(WAIT);
            connection.writeContents(new byte[0]);                                // no message type at all
            connection.writeContents(new byte[] {0, 'p', 'i', 'n', 'g'});          // long form cut short
            connection.writeContents(new byte[] {(byte) 250});                     // unknown short ID
            connection.write(msg("ping", nonce));
            assertArrayEquals(frame("ping", nonce), V1Frames.read(in), "the connection lives on");
        }
        String log = bridge.awaitLog(" close peer=127.0.0.1:" + node.port());
        assertTrue(log.contains(" dropped=3; "), log);
        assertFalse(log.contains("WARN"), log);
    }

    @Test
    void aPeerOnAnotherNetworkFailsTheHandshakeCleanly() throws Exception {
        TestV2Node node = track(new TestV2Node(Network.MAINNET, CORE_LIKE_GARBAGE, TestV2Node.Misbehaviour.NONE));
        BridgeHarness bridge = bridge("padding=off,decoy=off", SHORT_V2_TIMEOUT);
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            assertEquals(-1, wallet.getInputStream().read());
        }
        // either we give up waiting for a terminator we cannot find, or the node does first (our garbage, decoys
        // and terminator can be longer than the 4095 + 16 bytes it scans): an error after the key, never a fallback
        String log = bridge.awaitLog("could not open the upstream to 127.0.0.1:" + node.port()
                + ": V2HandshakeException: v2 connection failed at the garbage step (received the peer's 64-byte key"
                + " and ");
        assertTrue(log.contains("most likely a BIP-324 node of another network"), log);
        assertFalse(log.contains("transport=v1"), log);
        assertFalse(v1OnlyPeers.isV1Only(node.address()));
        assertTrue(node.server().awaitAllFinished(WAIT));
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void aWalletFrameWithABadChecksumClosesBothSides() throws Exception {
        byte[] bad = frame("ping", randomBytes(8));
        bad[20] ^= 1;
        assertWalletInputClosesBothSides(bad, "MalformedMessageException: v1 checksum mismatch");
    }

    @Test
    void aWalletFrameAnnouncingAnOversizePayloadClosesBothSides() throws Exception {
        byte[] header = frame("block", new byte[0]);
        int length = 4_000_001;
        header[16] = (byte) length;
        header[17] = (byte) (length >>> 8);
        header[18] = (byte) (length >>> 16);
        header[19] = (byte) (length >>> 24);
        assertWalletInputClosesBothSides(header, "OversizeException");
    }

    @Test
    void aWalletFrameOfAnotherNetworkClosesBothSides() throws Exception {
        assertWalletInputClosesBothSides(V1Frames.frame(Network.MAINNET, "ping", randomBytes(8)),
                "WrongNetworkException: peer is on main, expected regtest");
    }

    @Test
    void aWalletFrameWithAnUnprintableCommandClosesBothSides() throws Exception {
        byte[] bad = frame("ping", randomBytes(8));
        bad[5] = 7;
        assertWalletInputClosesBothSides(bad, "MalformedMessageException");
    }

    /** After a valid version, the wallet sends {@code bad}: expect a warning, both sides closed, no leaks. */
    private void assertWalletInputClosesBothSides(byte[] bad, String expectedError) throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("");
        try (Socket wallet = bridge.wallet(node.address())) {
            wallet.getOutputStream().write(frame("version", versionPayload()));
            InputStream in = wallet.getInputStream();
            assertEquals("verack", V1Frames.command(readUntil(in, "verack")));
            wallet.getOutputStream().write(bad);
            assertEquals(-1, in.read(), "the wallet's connection must be closed");
        }
        bridge.awaitLog("bad data from the wallet, closing both sides: " + expectedError);
        assertTrue(node.nextConnection(WAIT).awaitEnd(WAIT), "the peer connection must be closed");
        bridge.assertNoAgentThreadsLeft(WAIT);
    }

    @Test
    void manyConnectionsLeaveNoThreadsOrSocketsBehind() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge("padding=random,decoy=random");
        roundTrip(bridge, node); // starts the bridge and loads what a connection needs, before counting
        assertTrue(node.server().awaitAllFinished(WAIT));
        long descriptorsBefore = openDescriptors();
        for (int i = 0; i < 20; i++) {
            roundTrip(bridge, node);
        }
        bridge.assertNoAgentThreadsLeft(WAIT);
        assertTrue(node.server().awaitAllFinished(WAIT), "every peer connection must be closed");
        assertEquals(21, node.server().accepted());
        if (descriptorsBefore >= 0) {
            // a leaked connection would hold at least two sockets (bridge side of the wallet's, and the peer's)
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (openDescriptors() > descriptorsBefore + 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(openDescriptors() <= descriptorsBefore + 5,
                    "file descriptors grew from " + descriptorsBefore + " to " + openDescriptors());
        }
    }

    private void roundTrip(BridgeHarness bridge, TestV2Node node) throws IOException {
        try (Socket wallet = bridge.wallet(node.address())) {
            byte[] nonce = randomBytes(8);
            wallet.getOutputStream().write(concat(frame("version", versionPayload()), frame("ping", nonce)));
            assertArrayEquals(frame("pong", nonce), readUntil(wallet.getInputStream(), "pong"));
        }
    }

    /** Open file descriptors of this process (Linux), or -1 where that cannot be seen. */
    private static long openDescriptors() throws IOException {
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        if (!java.nio.file.Files.isDirectory(fds)) {
            return -1;
        }
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(fds)) {
            return list.count();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

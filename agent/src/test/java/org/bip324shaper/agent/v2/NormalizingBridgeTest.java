package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.agent.testing.BridgeHarness;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.agent.testing.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bridge's normalization ({@code normalize=pings+reconnect}) against the project's own v2 node, seen from the
 * node: what the wire shows, and that the wallet still gets every answer it asks for.
 */
class NormalizingBridgeTest {
    private static final Network NET = Network.REGTEST;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Resources resources = new Resources();

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    /** Pings and reconnect; the refresh slots' 5-15 min are UpstreamLinkTest's, on short clocks. */
    private BridgeHarness bridge() {
        AgentConfig config = AgentConfigParser.parse("padding=off,decoy=off", Map.of(), Map.of()).config();
        return track(new BridgeHarness(log -> new V2UpstreamConnector(config, log),
                java.util.EnumSet.of(Normalization.PINGS, Normalization.RECONNECT)));
    }

    /** A wallet in step with the node: one behind would have its pings passed to the node (ChainCatchUp). */
    private static NetworkMessage version() {
        VersionMessage v = new VersionMessage(VersionMessage.PROTOCOL_VERSION, 0, 1_700_000_000L, 7, "/bitcoinj:0.17.1/",
                TestV2Node.START_HEIGHT, false);
        return new NetworkMessage("version", v.encode(new InetSocketAddress("127.0.0.1", 18444)));
    }

    private static NetworkMessage ping(long nonce) {
        return new NetworkMessage("ping", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(nonce).array());
    }

    private static NetworkMessage received(TestV2Node.Connection c) throws Exception {
        byte[] contents = c.nextContents(WAIT);
        assertNotNull(contents, "the node received nothing within " + WAIT);
        return ((V2Decoded.Message) V2MessageCodec.decode(contents)).message();
    }

    /** The next message the node received that is not {@code skip}. */
    private static NetworkMessage receivedOtherThan(TestV2Node.Connection c, String skip) throws Exception {
        NetworkMessage m;
        while ((m = received(c)).command().equals(skip)) {
            // e.g. the agent's keepalive ping, whose time is its own
        }
        return m;
    }

    private static NetworkMessage next(MessageTransport wallet, String command) throws IOException {
        NetworkMessage m = wallet.read();
        assertEquals(command, m.command());
        return m;
    }

    /** The version handshake both ways; returns the node's side, with the wallet's version and verack read. */
    private static TestV2Node.Connection shakeHands(MessageTransport wallet, NetworkMessage version, TestV2Node node)
            throws Exception {
        wallet.write(version);
        next(wallet, "version");
        next(wallet, "verack");
        wallet.write(new NetworkMessage("verack", new byte[0]));
        TestV2Node.Connection c = node.nextConnection(WAIT);
        assertEquals("version", received(c).command());
        assertEquals("verack", received(c).command());
        return c;
    }

    @Test
    void theWalletsPingsAreAnsweredLocallyAndTheNodeSeesOnlyTheAgentsOwn() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge();
        try (Socket socket = bridge.wallet(node.address())) {
            MessageTransport wallet = MessageTransport.v1(socket, NET);
            TestV2Node.Connection c = shakeHands(wallet, version(), node);
            NetworkMessage keepalive = received(c);
            assertEquals("ping", keepalive.command(), "the agent pings right after the handshake, as Core does");

            for (long nonce = 1; nonce <= 3; nonce++) {
                wallet.write(ping(nonce));
                NetworkMessage pong = next(wallet, "pong");
                assertArrayEquals(ping(nonce).copyPayload(), pong.copyPayload(), "the pong carries the wallet's nonce");
            }
            // the node answers a ping of its own without the wallet: a pong with its nonce, nothing for the wallet
            c.write(ping(424242));
            NetworkMessage answer = receivedOtherThan(c, "ping");
            assertEquals("pong", answer.command());
            assertArrayEquals(ping(424242).copyPayload(), answer.copyPayload());
            wallet.write(new NetworkMessage("mempool", new byte[0]));
            assertEquals("mempool", receivedOtherThan(c, "ping").command(), "the wallet's pings never reach the node");
            assertNotEquals(1L, keepalive.payload().order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        }
        bridge.awaitLog("pings answered here=3");
    }

    @Test
    void aWalletBehindTheNodePingsTheNodeItselfAndGetsItsPong() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge();
        try (Socket socket = bridge.wallet(node.address())) {
            MessageTransport wallet = MessageTransport.v1(socket, NET);
            TestV2Node.Connection c = shakeHands(wallet, new NetworkMessage("version", VersionMessage.probe(7,
                    1_700_000_000L).encode(new InetSocketAddress("127.0.0.1", 18444))), node); // height 0, node 123
            NetworkMessage keepalive = received(c);
            wallet.write(ping(99));
            NetworkMessage forwarded = received(c);
            assertEquals(ping(99), forwarded, "a syncing wallet's ping is the node's to answer, after what it asked for");
            assertArrayEquals(ping(99).copyPayload(), next(wallet, "pong").copyPayload());
            assertNotEquals(99L, keepalive.payload().order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        }
    }

    @Test
    void aReconnectAfterABroadcastIsSplicedOntoTheSameSession() throws Exception {
        TestV2Node node = track(new TestV2Node(NET));
        BridgeHarness bridge = bridge();
        List<NetworkMessage> firstAnswers = new ArrayList<>();
        TestV2Node.Connection c;
        try (Socket socket = bridge.wallet(node.address())) {
            MessageTransport wallet = MessageTransport.v1(socket, NET);
            wallet.write(version());
            wallet.write(new NetworkMessage("sendaddrv2", new byte[0]));
            firstAnswers.add(next(wallet, "version"));
            firstAnswers.add(next(wallet, "verack"));
            wallet.write(new NetworkMessage("verack", new byte[0]));
            c = node.nextConnection(WAIT);
            assertEquals("version", received(c).command());
            assertEquals("sendaddrv2", received(c).command());
            assertEquals("verack", receivedOtherThan(c, "ping").command());
            wallet.write(new NetworkMessage("tx", new byte[250]));
            assertEquals("tx", receivedOtherThan(c, "ping").command());
        } // bitcoinj drops the peer right after the broadcast ...
        bridge.awaitLog("upstream=parked");

        try (Socket socket = bridge.wallet(node.address())) { // ... and redials
            MessageTransport wallet = MessageTransport.v1(socket, NET);
            wallet.write(version());
            assertEquals(firstAnswers.get(0), next(wallet, "version"), "the peer's own version, from the session");
            assertEquals(firstAnswers.get(1), next(wallet, "verack"));
            for (String rejectedByCore : new String[] {"sendaddrv2", "wtxidrelay", "verack"}) {
                wallet.write(new NetworkMessage(rejectedByCore, new byte[0]));
            }
            wallet.write(new NetworkMessage("filterload", new byte[3500]));
            wallet.write(new NetworkMessage("getblocks", new byte[3200]));
            NetworkMessage filterload = receivedOtherThan(c, "ping");
            assertEquals("filterload", filterload.command(), "the same session, nothing Core would refuse");
            assertEquals(3500, filterload.payloadLength());
            assertEquals("getblocks", receivedOtherThan(c, "ping").command());
            wallet.write(ping(9));
            assertEquals("pong", next(wallet, "pong").command());
        }
        assertNull(node.nextConnection(Duration.ofMillis(200)), "no second connection reached the node");
        String log = bridge.awaitLog("spliced onto the upstream of #1: no new peer connection");
        assertTrue(log.contains("#2 open"), log);
    }
}

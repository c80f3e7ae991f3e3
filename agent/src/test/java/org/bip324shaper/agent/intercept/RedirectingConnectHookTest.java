package org.bip324shaper.agent.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.bridge.V1PassthroughConnector;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hook without byte-buddy: what it returns and what it does to the socket and the bridge. */
class RedirectingConnectHookTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 8333); // a literal: no DNS

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(LogLevel.DEBUG, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private final Bridge bridge = new Bridge(new V1PassthroughConnector(), peer -> {
        throw new ConnectException("tests never dial");
    }, log);
    private final RedirectingConnectHook hook = new RedirectingConnectHook(
            new RedirectPolicy(Set.of(8333), false, bridge::isBridgeAddress), bridge, Optional.empty(), log);

    RedirectingConnectHookTest() throws IOException {
    }

    @AfterEach
    void closeBridge() {
        bridge.close();
    }

    @Test
    void aSelectedChannelConnectIsSentToTheBridgeFromABoundPort() throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            SocketAddress replacement = hook.beforeConnect(channel, PEER);
            assertEquals(bridge.address().orElseThrow(), replacement);
            assertNotNull(channel.getLocalAddress(), "the wallet socket must be bound so the bridge can pair it");
            assertEquals(1, bridge.pendingPairings());
            assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("redirect 192.0.2.1:8333 -> bridge"));
            hook.afterConnect(channel, PEER, null);
            assertEquals(1, bridge.pendingPairings(), "a successful connect leaves the pairing to the bridge");
        }
    }

    @Test
    void aFailedConnectGivesUpItsPairing() throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            hook.beforeConnect(channel, PEER);
            hook.afterConnect(channel, PEER, new ConnectException("refused"));
            assertEquals(0, bridge.pendingPairings());
        }
    }

    @Test
    void otherPortsAreLeftAloneAndUnbound() throws IOException {
        InetSocketAddress https = new InetSocketAddress(PEER.getAddress(), 443);
        try (SocketChannel channel = SocketChannel.open()) {
            assertSame(https, hook.beforeConnect(channel, https));
            assertNull(channel.getLocalAddress());
        }
        assertEquals(0, bridge.pendingPairings());
    }

    @Test
    void theAgentsOwnDialsAreNeverRedirected() throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            SocketAddress result = Bypass.run(() -> hook.beforeConnect(channel, PEER));
            assertSame(PEER, result);
            assertNull(channel.getLocalAddress());
        }
    }

    @Test
    void aPlainSocketWhoseProxyUseCannotBeSeenGoesDirect() throws IOException {
        // no JdkSocketInternals (java.net not opened in a test JVM): assume it may be proxied, never redirect
        try (Socket socket = new Socket()) {
            assertSame(PEER, hook.beforeConnect(socket, PEER));
            assertTrue(!socket.isBound());
        }
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("not redirecting 192.0.2.1:8333: PROXIED"));
    }

    @Test
    void aBridgeThatCannotStartFailsOpen() throws IOException {
        bridge.close();
        try (SocketChannel channel = SocketChannel.open()) {
            assertSame(PEER, hook.beforeConnect(channel, PEER));
        }
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("not redirected (goes direct, v1)"));
    }
}

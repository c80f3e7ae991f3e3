package org.bip324shaper.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BridgeTest {

    private static final byte[] MAINNET_MAGIC = Network.MAINNET.magicBytes();

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(LogLevel.DEBUG, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private final List<UpstreamRequest> requests = new CopyOnWriteArrayList<>();
    private final PeerDialer plainDialer = peer -> {
        Socket socket = new Socket();
        socket.connect(peer, 5000);
        return socket;
    };
    private UpstreamConnector upstream = (request, dialer) -> {
        requests.add(request);
        return new V1PassthroughConnector().open(request, dialer);
    };
    private ServerSocket echo;
    private Bridge bridge;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            while (!echo.isClosed()) {
                try (Socket client = echo.accept()) {
                    client.getInputStream().transferTo(client.getOutputStream());
                } catch (IOException e) {
                    return;
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    @AfterEach
    void stop() throws IOException {
        echo.close();
        if (bridge != null) {
            bridge.close();
        }
    }

    private Bridge bridge() {
        bridge = new Bridge((request, dialer) -> upstream.open(request, dialer), plainDialer, log);
        return bridge;
    }

    private InetSocketAddress echoAddress() {
        return (InetSocketAddress) echo.getLocalSocketAddress();
    }

    /** Waits (bounded) for an asynchronous log line; the wait length is never asserted. */
    private String awaitLog(String fragment) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String text = logBytes.toString(StandardCharsets.UTF_8);
            if (text.contains(fragment)) {
                return text;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line with '" + fragment + "' in:\n" + logBytes.toString(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Connects a "wallet" socket the way the hook prepares it: bound first, pairing registered, then connect. */
    private Socket pairedWallet(Bridge bridge, InetSocketAddress peer) throws IOException {
        Socket wallet = new Socket();
        wallet.bind(null);
        Bridge.Expected expected = bridge.expect((InetSocketAddress) wallet.getLocalSocketAddress(), peer);
        wallet.connect(expected.bridgeAddress(), 5000);
        return wallet;
    }

    @Test
    void aPairedConnectionIsRelayedBothWaysAndLogged() throws Exception {
        Bridge bridge = bridge();
        V1FrameEncoder encoder = new V1FrameEncoder(Network.MAINNET);
        byte[] message = concat(encoder.encode(new NetworkMessage("version", new byte[102])),
                encoder.encode(new NetworkMessage("verack", new byte[0])));
        try (Socket wallet = pairedWallet(bridge, echoAddress())) {
            wallet.getOutputStream().write(message);
            wallet.shutdownOutput();
            assertArrayEquals(message, wallet.getInputStream().readAllBytes());
        }
        assertEquals(1, requests.size());
        assertEquals(echoAddress(), requests.get(0).peer());
        assertEquals(Optional.of(Network.MAINNET), requests.get(0).network());
        String peer = "127.0.0.1:" + echo.getLocalPort();
        awaitLog("#" + requests.get(0).connectionId() + " open peer=" + peer + " network=main transport=v1 session=-");
        awaitLog("close peer=" + peer + " wallet->peer=" + message.length + " peer->wallet=" + message.length
                + " bytes; undelivered=0 msgs/0 bytes");
    }

    @Test
    void connectionsRunOnTheBridgesPoolAndLeaveNoThreadPerConnection() throws Exception {
        Bridge bridge = bridge();
        byte[] ping = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("ping", new byte[8]));
        for (int i = 0; i < 12; i++) {
            try (Socket wallet = pairedWallet(bridge, echoAddress())) {
                wallet.getOutputStream().write(ping);
                wallet.shutdownOutput();
                assertArrayEquals(ping, wallet.getInputStream().readAllBytes());
            }
            awaitLog("#" + (i + 1) + " close ");
        }
        // one connection at a time: threads are reused, never one (or two) per connection; a closing connection's
        // task may still be on its way back to the pool when the next one starts, so the bound is not 2
        assertTrue(bridge.poolThreads() < 12, "pool threads " + bridge.poolThreads() + " for 12 connections");
    }

    @Test
    void anUnpairedConnectionIsRefusedAndNeverDialed() throws Exception {
        Bridge bridge = bridge();
        InetSocketAddress address = bridge.start();
        try (Socket stranger = new Socket()) {
            stranger.connect(address, 5000);
            stranger.getOutputStream().write(MAINNET_MAGIC);
            assertEquals(-1, stranger.getInputStream().read(), "the bridge must close an unpaired connection");
            awaitLog("refused a bridge connection from 127.0.0.1:" + stranger.getLocalPort());
        }
        assertEquals(List.of(), requests);
    }

    @Test
    void aPairingServesOneConnectionOnly() throws Exception {
        Bridge bridge = bridge();
        try (Socket wallet = pairedWallet(bridge, echoAddress())) {
            wallet.getOutputStream().write(MAINNET_MAGIC);
            wallet.shutdownOutput();
            wallet.getInputStream().readAllBytes();
        }
        assertEquals(0, bridge.pendingPairings(), "the pairing must be consumed by its connection");
        // another socket of this JVM that was not registered is a stranger too
        try (Socket unregistered = new Socket()) {
            unregistered.connect(bridge.address().orElseThrow(), 5000);
            assertEquals(-1, unregistered.getInputStream().read());
        }
        assertEquals(1, requests.size());
    }

    @Test
    void unknownMagicStillRelaysWithoutANetwork() throws Exception {
        Bridge bridge = bridge();
        byte[] message = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket wallet = pairedWallet(bridge, echoAddress())) {
            wallet.getOutputStream().write(message);
            wallet.shutdownOutput();
            assertArrayEquals(message, wallet.getInputStream().readAllBytes());
        }
        assertEquals(Optional.empty(), requests.get(0).network());
        awaitLog("network=unknown");
    }

    @Test
    void aWalletThatSendsNothingNeverCausesADial() throws Exception {
        Bridge bridge = bridge();
        try (Socket wallet = pairedWallet(bridge, echoAddress())) {
            wallet.shutdownOutput();
            assertEquals(-1, wallet.getInputStream().read());
        }
        awaitLog("wallet closed before sending anything; peer not dialed");
        assertEquals(List.of(), requests);
    }

    @Test
    void anUpstreamThatCannotOpenClosesTheWalletConnection() throws Exception {
        upstream = (request, dialer) -> {
            throw new IOException("no route");
        };
        Bridge bridge = bridge();
        try (Socket wallet = pairedWallet(bridge, echoAddress())) {
            wallet.getOutputStream().write(MAINNET_MAGIC);
            assertEquals(-1, wallet.getInputStream().read());
        }
        String text = awaitLog("could not open the upstream to 127.0.0.1:" + echo.getLocalPort()
                + ": IOException: no route");
        assertFalse(text.contains(" open peer="), text);
    }

    @Test
    void knowsItsOwnAddress() throws IOException {
        Bridge bridge = bridge();
        assertEquals(Optional.empty(), bridge.address());
        InetSocketAddress address = bridge.start();
        assertEquals(address, bridge.start(), "start is idempotent");
        assertTrue(bridge.isBridgeAddress(address));
        assertTrue(bridge.isBridgeAddress(new InetSocketAddress("0.0.0.0", address.getPort())));
        assertFalse(bridge.isBridgeAddress(new InetSocketAddress(address.getAddress(), address.getPort() + 1)));
        assertFalse(bridge.isBridgeAddress(new InetSocketAddress("192.0.2.1", address.getPort())));
    }

    @Test
    void rejectsUnusableRegistrations() {
        Bridge bridge = bridge();
        InetSocketAddress bound = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> bridge.expect(bound, InetSocketAddress.createUnresolved("example.org", 8333)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> bridge.expect(new InetSocketAddress(0), echoAddress()));
    }
}

package org.bip324shaper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324shaper.agent.testing.PlainSocksForwarder;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.node.Transport;
import org.bip324shaper.it.proxy.ProxyProcess;
import org.bip324shaper.it.scenario.AgentConnectionLog;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code java -jar bip324-agent.jar proxy} with real SOCKS5 clients: an unmodified bitcoinj wallet whose blocking
 * client uses a SOCKS proxy (no agent), and Bitcoin Core with {@code -proxy} (when {@code $BITCOIND} is set).
 */
class ProxyIT {

    /** The whole wallet life through the proxy; the node sees v2 with the session id the proxy logged. */
    @Test
    @Timeout(300)
    void aBitcoinjWalletThroughTheProxyTalksV2ToTheNode() throws Exception {
        Path java = WalletJvm.javas().get(0);
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults());
             ProxyProcess proxy = ProxyProcess.start(java, WalletJvm.agentJar(), List.of("--shaping", "light"))) {
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.BLOCKING)
                    .route("socks=127.0.0.1:" + proxy.port())
                    .connectionLog(proxy::log)
                    .run();
            OwnNodeWalletIT.checkRun(run, backend.node(), Transport.V2);
        }
    }

    /**
     * {@code --upstream-socks}: the proxy dials the node through another SOCKS5 proxy (Tor's place), still v2 end to
     * end; the upstream proxy sees the destination and the wallet's life completes.
     */
    @Test
    @Timeout(300)
    void chainedToAnUpstreamSocksProxyTheWalletStillTalksV2() throws Exception {
        Path java = WalletJvm.javas().get(0);
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults());
             PlainSocksForwarder tor = new PlainSocksForwarder();
             ProxyProcess proxy = ProxyProcess.start(java, WalletJvm.agentJar(),
                     List.of("--upstream-socks", "127.0.0.1:" + tor.port()))) {
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.BLOCKING)
                    .route("socks=127.0.0.1:" + proxy.port())
                    .connectionLog(proxy::log)
                    .run();
            OwnNodeWalletIT.checkRun(run, backend.node(), Transport.V2);
            assertTrue(!tor.destinations().isEmpty()
                    && tor.destinations().stream().allMatch(d -> d.equals("127.0.0.1:" + backend.p2pPort())),
                    "every peer connection went through the upstream proxy: " + tor.destinations());
            assertTrue(proxy.log().contains("peers dialed through 127.0.0.1:" + tor.port()), proxy.log());
        }
    }

    /** A v1-only node behind the proxy: the same v1 fallback as the agent, and the wallet still works. */
    @Test
    @Timeout(300)
    void theProxyFallsBackToV1ForAV1OnlyNode() throws Exception {
        Path java = WalletJvm.javas().get(0);
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults().v1Only());
             ProxyProcess proxy = ProxyProcess.start(java, WalletJvm.agentJar(), List.of())) {
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.BLOCKING)
                    .route("socks=127.0.0.1:" + proxy.port())
                    .connectionLog(proxy::log)
                    .run();
            OwnNodeWalletIT.checkRun(run, backend.node(), Transport.V1);
            assertTrue(proxy.log().contains("(v1 fallback: "), proxy.log());
        }
    }

    /**
     * Bitcoin Core as the client: {@code -proxy=127.0.0.1:PORT -v2transport=0 -connect=SERVER} to a second
     * bitcoind with v2. The client speaks v1 to the proxy, the server sees a v2 peer with the session id the proxy
     * logged, and the client syncs the server's blocks through it. The server is named {@code localhost}: Core
     * never proxies an unroutable address such as 127.0.0.1, but hands a name to the proxy to resolve.
     */
    @Test
    @Timeout(300)
    void bitcoindWithProxySyncsFromAV2BitcoindOverV2() throws Exception {
        Optional<Path> executable = Bitcoind.fromEnvironment();
        assumeTrue(executable.isPresent(), "set " + Bitcoind.ENVIRONMENT + "=/path/to/bitcoind; skipped");
        Path java = WalletJvm.javas().get(0);
        try (Bitcoind server = Bitcoind.start(executable.get(), true);
             ProxyProcess proxy = ProxyProcess.start(java, WalletJvm.agentJar(), List.of("--shaping", "light"))) {
            String miner = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST).toString();
            server.rpc().call("generatetoaddress", 7, miner);
            try (Bitcoind client = Bitcoind.start(executable.get(), false, List.of(
                    "-proxy=127.0.0.1:" + proxy.port(), "-connect=localhost:" + server.p2pPort()))) {
                awaitHeight(client, 7, Duration.ofSeconds(90), proxy);
                String why = "proxy log:\n" + proxy.log() + "\nserver:\n" + server.output() + "\nclient:\n"
                        + client.output();

                Map<?, ?> inbound = onlyPeer(server, true);
                assertEquals("v2", inbound.get("transport_protocol_type"), why);
                Map<?, ?> outbound = onlyPeer(client, false);
                assertEquals("v1", outbound.get("transport_protocol_type"), "Core speaks v1 to the proxy\n" + why);
                assertTrue(String.valueOf(inbound.get("subver")).contains("Satoshi"), inbound.toString());

                List<AgentConnectionLog> relayed = AgentConnectionLog.parse(proxy.log()).stream()
                        .filter(c -> c.transport().isPresent()).toList();
                assertEquals(1, relayed.size(), why);
                assertEquals("127.0.0.1:" + server.p2pPort(), relayed.get(0).peer().orElseThrow(), why);
                assertEquals("v2", relayed.get(0).transport().orElseThrow(), why);
                assertEquals(Optional.of(inbound.get("session_id")), relayed.get(0).sessionId().map(s -> (Object) s),
                        "session id: server's getpeerinfo vs the proxy's log\n" + why);
            }
        }
    }

    private static Map<?, ?> onlyPeer(Bitcoind node, boolean inbound) throws Exception {
        List<Map<?, ?>> peers = new java.util.ArrayList<>();
        for (Object p : (List<?>) node.rpc().call("getpeerinfo")) {
            if (Boolean.valueOf(inbound).equals(((Map<?, ?>) p).get("inbound"))) {
                peers.add((Map<?, ?>) p);
            }
        }
        assertEquals(1, peers.size(), peers.toString());
        return peers.get(0);
    }

    private static void awaitHeight(Bitcoind node, int height, Duration timeout, ProxyProcess proxy)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (((Number) node.rpc().call("getblockcount")).intValue() < height) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the proxied bitcoind did not reach height " + height + " within "
                        + timeout + "\nproxy log:\n" + proxy.log() + "\n" + node.output());
            }
            Thread.sleep(200);
        }
    }
}

package org.bip324shaper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.node.PeerRecord;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.node.Transport;
import org.bip324shaper.it.scenario.BitcoindBackend;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's {@code normalize=wallet} with an unmodified bitcoinj wallet: its payment (after which bitcoinj drops
 * the peer and redials) makes no new connection, and its 2 s pings do not reach the wire. Judged on the node's own records (what it accepted, what it received and when), never on the agent's log.
 */
class WalletNormalizationIT {
    /** The agent's keepalive period is 115-125 s; Core's is 120 s. */
    private static final long MIN_PING_GAP_NANOS = TimeUnit.SECONDS.toNanos(115);

    private static String agentOptions(int port) {
        return agentOptions(port, "wallet");
    }

    private static String agentOptions(int port, String normalize) {
        return "loopback=true,ports=" + port + ",normalize=" + normalize;
    }

    /** The node's view of the one wallet connection of a run that must have made only one. */
    private static PeerRecord onlyConnection(WalletRun run, NodeBackend backend, String why) {
        assertEquals(1, run.peersAtEnd().size(), "connections the node accepted\n" + why);
        return backend.node().peers().stream()
                .filter(p -> Integer.toString(p.id()).equals(run.peersAtEnd().get(0).id())).findFirst()
                .orElseThrow();
    }

    @Test
    @Timeout(300)
    /**
     * With refresh slots bitcoinj still takes the block that confirms its payment (it timed out when the orphan
     * recovery's getblocks was held). bitcoinj 0.17.1's redial loads a filter that differs from the session's, so
     * that filterload passes at once: the node still sees it right after the payment (not asserted away).
     */
    void withRefreshSlotsTheWalletStillTakesItsConfirmingBlock() throws Exception {
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults())) {
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), WalletMain.Client.NIO,
                    agentOptions(backend.p2pPort(), "all")).run();
            String why = run.transcript() + "\nnode peers: " + backend.node().peers();
            assertEquals(0, run.exitCode(), why);
            PeerRecord peer = onlyConnection(run, backend, why);
            assertEquals(1, peer.received("tx"), "the payment arrived once\n" + why);
            assertEquals(1, peer.received("version"), "one version handshake\n" + why);
        }
    }

    @Test
    @Timeout(300)
    void aPaymentMakesNoNewConnectionAndTheNodeSeesCoreLikePings() throws Exception {
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults())) {
            long start = System.nanoTime();
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), WalletMain.Client.NIO,
                    agentOptions(backend.p2pPort())).run();
            long elapsed = System.nanoTime() - start;
            String why = run.transcript() + "\nnode peers: " + backend.node().peers();
            assertEquals(0, run.exitCode(), why);

            // one connection from sync through the payment and its confirmation: the node accepted nothing else
            // (taken before the node's final disconnect, after which bitcoinj may redial before it stops)
            PeerRecord peer = onlyConnection(run, backend, why);
            assertEquals(Transport.V2, peer.transport(), why);
            assertTrue(peer.userAgent().orElse("").contains("bitcoinj"), why);
            assertEquals(1, peer.received("version"), "one version handshake\n" + why);
            assertEquals(1, peer.received("tx"), "the payment arrived once\n" + why);
            // the opt-in refresh slots would move this refresh away from the payment; with them bitcoinj 0.17.1 does
            // not take its confirming block, so wallet leaves them off (UpstreamLinkTest covers them)
            assertTrue(peer.received("filterload") >= 2,
                    "bitcoinj reconnected after the payment and loaded its filter again, on the same connection\n"
                            + why);
            assertEquals(Optional.of("disconnected by the node"), peer.endReason(),
                    "nothing the node would refuse after verack\n" + why);

            // pings: the agent's, as Core sends them (right after the handshake, then every ~2 min), not bitcoinj's
            List<Long> pings = peer.pingNanos();
            assertTrue(pings.size() >= 1, "the agent keeps the connection alive\n" + why);
            for (int i = 1; i < pings.size(); i++) {
                assertTrue(pings.get(i) - pings.get(i - 1) >= MIN_PING_GAP_NANOS, "ping gaps " + pings + "\n" + why);
            }
            assertTrue(pings.size() <= 1 + elapsed / MIN_PING_GAP_NANOS, pings.size() + " pings in "
                    + TimeUnit.NANOSECONDS.toSeconds(elapsed) + " s (bitcoinj alone pings every 2 s)\n" + why);
            assertTrue(peer.received("pong") == 0, "the node never pinged; nothing to answer\n" + why);
        }
    }

    /** The same against a real bitcoind ({@code $BITCOIND}), judged on getpeerinfo; skipped without it. */
    @Test
    @Timeout(300)
    void againstBitcoindThePeerIdSurvivesThePaymentAndPingsStayRare() throws Exception {
        Optional<Path> executable = Bitcoind.fromEnvironment();
        assumeTrue(executable.isPresent(), "set " + Bitcoind.ENVIRONMENT + "=/path/to/bitcoind; skipped");
        try (Bitcoind bitcoind = Bitcoind.start(executable.get(), true)) {
            BitcoindBackend backend = new BitcoindBackend(bitcoind);
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), WalletMain.Client.NIO,
                    agentOptions(backend.p2pPort())).run();
            String why = run.transcript() + "\n" + backend.diagnostics();
            assertEquals(0, run.exitCode(), why);
            assertEquals(1, run.peersAtSync().size(), why);
            assertEquals(1, run.peersAtEnd().size(), why);
            // Core numbers every connection: the same id before and after the payment means no new connection
            assertEquals(run.peersAtSync().get(0).id(), run.peersAtEnd().get(0).id(), "getpeerinfo id\n" + why);
            assertEquals("v2", run.peersAtEnd().get(0).transport(), why);
        }
    }

}

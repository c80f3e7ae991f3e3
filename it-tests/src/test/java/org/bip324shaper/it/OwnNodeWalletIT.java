package org.bip324shaper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.it.node.PeerRecord;
import org.bip324shaper.it.node.RegtestChain;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.node.Transport;
import org.bip324shaper.it.scenario.AgentConnectionLog;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An unmodified bitcoinj wallet in a child JVM with the agent, against the project's regtest node in this JVM: on
 * this JDK and on JDK 25, with bitcoinj's NIO and blocking network layers. Every step is checked on the node.
 */
class OwnNodeWalletIT {

    /** The transport the agent must reach a v2-capable node with (it was V1 while the bridge only relayed v1). */
    static final Transport AGENT_TRANSPORT_TO_V2_NODE = Transport.V2;

    static Stream<Arguments> jdksAndClients() {
        return WalletJvm.javas().stream().flatMap(java -> Stream.of(WalletMain.Client.values())
                .map(client -> Arguments.of(java, client)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdksAndClients")
    @Timeout(300)
    void walletSyncsReceivesAndPaysThroughTheAgent(Path java, WalletMain.Client client) throws Exception {
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults())) {
            WalletRun run = new WalletScenario(backend, java, client).run();
            checkRun(run, backend.node(), AGENT_TRANSPORT_TO_V2_NODE);
        }
    }

    /** Every shaping the agent offers, as its {@code shaping=} option takes them. */
    static Stream<String> shapings() {
        return Stream.concat(Stream.of("none", "random"),
                java.util.Arrays.stream(org.bip324shaper.core.shaping.ShapingPreset.values())
                        .map(org.bip324shaper.core.shaping.ShapingPreset::configName));
    }

    static Stream<Arguments> shapingsAndClients() {
        return shapings().flatMap(s -> Stream.of(WalletMain.Client.values()).map(c -> Arguments.of(s, c)));
    }

    /**
     * bitcoinj with its defaults drops the peer right after writing a broadcast {@code tx}: under every shaping the
     * agent offers, with both network layers, the payment must still reach the node, and no connection may report a
     * message the wallet handed over as undelivered.
     */
    @ParameterizedTest(name = "shaping={0}, {1}")
    @MethodSource("shapingsAndClients")
    @Timeout(300)
    void everyShapingDeliversThePaymentBitcoinjClosesOn(String shaping, WalletMain.Client client) throws Exception {
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults())) {
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), client,
                    "loopback=true,ports=" + backend.p2pPort() + ",shaping=" + shaping).run();
            checkRun(run, backend.node(), AGENT_TRANSPORT_TO_V2_NODE);
        }
    }

    /** A v1-only node (Core's -v2transport=0): a v2 agent must fall back to v1 and the wallet must not notice. */
    @Test
    @Timeout(300)
    void walletWorksAgainstAV1OnlyNode() throws Exception {
        Path java = WalletJvm.javas().get(0);
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults().v1Only())) {
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.NIO).run();
            checkRun(run, backend.node(), Transport.V1);
            if (AGENT_TRANSPORT_TO_V2_NODE == Transport.V2) {
                // the agent tried v2 first: the node read its key as a bad v1 header and dropped it
                assertTrue(backend.node().peers().stream().anyMatch(p -> p.userAgent().isEmpty()
                        && p.endReason().orElse("").contains("protocol error")), backend.node().peers().toString());
            }
        }
    }

    /**
     * The agent's close line against the node's own v2 counters for the same connection. The last bytes before a
     * close may be lost on the way, so the receiving side may count less than the sender, never more; decoys the
     * agent says it sent must really have arrived (the node counts a decoy only after authenticating it).
     */
    static void checkWireCounts(AgentConnectionLog agent, TrafficStats.Snapshot node, String why) {
        long sentGenuine = Long.parseLong(agent.close().get("sent.genuine"));
        long sentDecoy = Long.parseLong(agent.close().get("sent.decoy"));
        long receivedGenuine = Long.parseLong(agent.close().get("received.genuine"));
        long receivedDecoy = Long.parseLong(agent.close().get("received.decoy"));
        String counts = "agent " + agent.close() + " vs node " + node + "\n" + why;
        assertTrue(node.read().genuineBytes() > 0 && node.read().genuineBytes() <= sentGenuine, counts);
        assertTrue(node.read().decoyBytes() <= sentDecoy, counts);
        assertEquals(sentDecoy > 0, node.read().decoyBytes() > 0, counts);
        assertTrue(receivedGenuine > 0 && receivedGenuine <= node.written().genuineBytes(), counts);
        assertEquals(0, node.written().decoyBytes(), "the node does not shape");
        assertEquals(0, receivedDecoy, counts);
    }

    static void checkRun(WalletRun run, RegtestNode node, Transport expected) {
        String why = run.transcript();
        assertEquals(0, run.exitCode(), why);

        // the node saw the wallet connect over the expected transport. bitcoinj drops the peer it sent a payment to
        // and reconnects, so there are two connections; a v2 attempt a v1-only node dropped never gets a version
        List<PeerRecord> wallets = node.peers().stream().filter(p -> p.userAgent().isPresent()).toList();
        List<AgentConnectionLog> relayed = run.agentConnections().stream()
                .filter(c -> c.transport().isPresent()).toList();
        assertTrue(wallets.size() >= 1, "the node served no wallet connection: " + node.peers() + "\n" + why);
        // With the reconnect normalization (on with shaping=wallet) bitcoinj's redial after the payment is spliced
        // onto the upstream it dropped: one node connection, and an agent connection per wallet connection, all with
        // its session id. Without it, one agent connection per node connection, in order.
        List<List<AgentConnectionLog>> perPeer = new java.util.ArrayList<>();
        for (int i = 0; i < wallets.size(); i++) {
            PeerRecord peer = wallets.get(i);
            perPeer.add(expected == Transport.V2
                    ? relayed.stream().filter(c -> c.sessionId().equals(peer.sessionIdHex())).toList()
                    : wallets.size() == 1 ? relayed // v1 has no session id: a spliced redial shares the one
                    : i < relayed.size() ? List.of(relayed.get(i)) : List.of());
        }
        assertEquals(relayed.size(), perPeer.stream().mapToInt(List::size).sum(),
                "agent connections vs node connections " + wallets + "\n" + why);
        for (int i = 0; i < wallets.size(); i++) {
            PeerRecord peer = wallets.get(i);
            List<AgentConnectionLog> agents = perPeer.get(i);
            assertFalse(agents.isEmpty(), "no agent connection for the node's " + peer + "\n" + why);
            assertTrue(peer.userAgent().get().contains("bitcoinj"), peer.toString());
            assertEquals(expected, peer.transport(), "transport the node recorded\n" + why);
            assertEquals(expected == Transport.V2, peer.sessionIdHex().isPresent(), peer.toString());
            assertTrue(peer.received("filterload") >= 1, "the wallet syncs with a bloom filter: " + peer);
            for (AgentConnectionLog agent : agents) {
                // the agent logged the same connection: same peer, transport and session id
                assertEquals("127.0.0.1:" + node.port(), agent.peer().orElseThrow(), why);
                assertEquals(expected.id(), agent.transport().orElseThrow(), why);
                assertEquals(peer.sessionIdHex(), agent.sessionId(), "session id: node vs agent log\n" + why);
                assertTrue(agent.isClosed(), "every connection ends with a close line\n" + why);
                // the run ends with the node dropping the wallet: a ping a ticker held at that moment cannot reach
                // it. That loss must say so, on that connection only, and the node must have closed it; any other
                // is a bug
                boolean droppedByTheNode = i == wallets.size() - 1 && agent == agents.get(agents.size() - 1)
                        && agent.lostBecauseThePeerClosed()
                        && peer.endReason().equals(java.util.Optional.of("disconnected by the node"));
                if (!droppedByTheNode) {
                    assertEquals(java.util.Optional.of(0L), agent.undeliveredMessages(),
                            "the agent lost messages the wallet handed over\n" + why);
                }
            }
            assertTrue(peer.closed(), peer.toString());
            if (expected == Transport.V2) {
                // the session's wire counters are on the close line of the wallet connection that ended it
                checkWireCounts(agents.get(agents.size() - 1), peer.wire().orElseThrow(), why);
            }
        }
        assertEquals(1, wallets.stream().mapToInt(p -> p.received("tx")).sum(), "the payment arrives once");

        // sync, then the mined coinbase becomes the wallet's spendable balance
        assertEquals(run.backendHeightAtSync(), run.syncedHeight(), why);
        assertEquals(RegtestChain.subsidy(run.syncedHeight() + 1).value, run.coinbaseToWallet());
        assertEquals(run.coinbaseToWallet(), run.availableWhenSpendable(), "balance printed vs mined\n" + why);
        assertEquals(run.coinbaseToWallet(), run.estimatedWhenSpendable(), why);

        // the payment reached the node's pool and pays the payee; the rest of the coinbase is change and fee
        assertInstanceOf(RegtestChain.Accepted.class, node.admissions().get(0), node.admissions().toString());
        long toPayee = run.mempoolOutputs().stream()
                .filter(o -> o.address().equals(java.util.Optional.of(run.payee().toString())))
                .mapToLong(o -> o.sats()).sum();
        assertEquals(WalletScenario.PAYMENT.value, toPayee, "output to the payee: " + run.mempoolOutputs());
        long outputs = run.mempoolOutputs().stream().mapToLong(o -> o.sats()).sum();
        assertTrue(run.paymentFee() > 0, "fee " + run.paymentFee());
        assertEquals(run.coinbaseToWallet(), outputs + run.paymentFee(), "inputs = outputs + fee");

        // mined: the wallet saw the confirmation at the block's height and kept its change
        assertEquals(node.chain().heightOf(run.confirmingBlock()).orElseThrow(), run.confirmedHeight(), why);
        long change = run.coinbaseToWallet() - WalletScenario.PAYMENT.value - run.paymentFee();
        assertEquals(change, run.finalEstimated(), why);
        assertEquals(change, run.finalAvailable(), why);
    }
}

package org.bip324shaper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.node.Transport;
import org.bip324shaper.it.scenario.AgentConnectionLog;
import org.bip324shaper.it.scenario.BitcoindBackend;
import org.bip324shaper.it.scenario.RegtestBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same wallet life as {@link OwnNodeWalletIT}, against a real bitcoind named by {@code $BITCOIND}; skipped
 * when it is not set. bitcoind mines with {@code generatetoaddress} to the wallet's address (its own wallet is
 * never used) and reports the connection's transport and session id through {@code getpeerinfo}.
 */
class BitcoindWalletIT {
    private Path executable;

    @BeforeEach
    void needsBitcoind() {
        Optional<Path> configured = Bitcoind.fromEnvironment();
        assumeTrue(configured.isPresent(), "set " + Bitcoind.ENVIRONMENT
                + "=/path/to/bitcoind to run the wallet against a real bitcoind; skipped");
        executable = configured.get();
    }

    /** bitcoind -v2transport=1: the agent should arrive over v2 (once the bridge speaks it) with Core's session id. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(WalletMain.Client.class)
    @Timeout(300)
    void walletTalksToAV2Bitcoind(WalletMain.Client client) throws Exception {
        try (BitcoindBackend backend = BitcoindBackend.start(executable, true)) {
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), client).run();
            checkRun(run, OwnNodeWalletIT.AGENT_TRANSPORT_TO_V2_NODE, backend);
        }
    }

    /** The preset matrix of {@link OwnNodeWalletIT#everyShapingDeliversThePaymentBitcoinjClosesOn}, against Core. */
    @ParameterizedTest(name = "shaping={0}, {1}")
    @org.junit.jupiter.params.provider.MethodSource("org.bip324shaper.it.OwnNodeWalletIT#shapingsAndClients")
    @Timeout(300)
    void everyShapingDeliversThePaymentBitcoinjClosesOn(String shaping, WalletMain.Client client) throws Exception {
        try (BitcoindBackend backend = BitcoindBackend.start(executable, true)) {
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), client,
                    "loopback=true,ports=" + backend.p2pPort() + ",shaping=" + shaping).run();
            checkRun(run, OwnNodeWalletIT.AGENT_TRANSPORT_TO_V2_NODE, backend);
        }
    }

    /** bitcoind -v2transport=0 drops a v2 handshake: the agent falls back to v1 and the wallet still works. */
    @Test
    @Timeout(300)
    void walletFallsBackToV1AgainstAV1Bitcoind() throws Exception {
        try (BitcoindBackend backend = BitcoindBackend.start(executable, false)) {
            WalletRun run = new WalletScenario(backend, WalletJvm.javas().get(0), WalletMain.Client.NIO).run();
            checkRun(run, Transport.V1, backend);
        }
    }

    private static void checkRun(WalletRun run, Transport expected, BitcoindBackend backend) {
        String why = run.transcript() + "\n" + backend.diagnostics();
        assertEquals(0, run.exitCode(), why);

        // getpeerinfo while connected (at sync, and at the end after bitcoinj's reconnect) vs the agent's open lines
        List<AgentConnectionLog> relayed = run.agentConnections().stream()
                .filter(c -> c.transport().isPresent()).toList();
        assertTrue(relayed.size() >= 1, why);
        checkPeer(single(run.peersAtSync(), why), relayed.get(0), expected, backend, why);
        checkPeer(single(run.peersAtEnd(), why), relayed.get(relayed.size() - 1), expected, backend, why);
        relayed.forEach(c -> assertTrue(c.isClosed(), "every connection ends with a close line\n" + why));
        for (AgentConnectionLog c : relayed) {
            // the run ends with bitcoind dropping the wallet (disconnectnode): a ping a ticker held at that moment
            // cannot reach it, and Core's close resets what it did not read. That loss must say so; any other is a bug
            boolean droppedByTheNode = c == relayed.get(relayed.size() - 1) && c.lostBecauseThePeerClosed();
            if (!droppedByTheNode) {
                assertEquals(Optional.of(0L), c.undeliveredMessages(),
                        "the agent lost messages the wallet handed over\n" + why);
            }
        }

        assertEquals(run.backendHeightAtSync(), run.syncedHeight(), why);
        assertTrue(run.coinbaseToWallet() > 0, "bitcoind's coinbase pays the wallet's address");
        assertEquals(run.coinbaseToWallet(), run.availableWhenSpendable(), "balance printed vs mined\n" + why);

        long toPayee = run.mempoolOutputs().stream()
                .filter(o -> o.address().equals(Optional.of(run.payee().toString())))
                .mapToLong(RegtestBackend.TxOutput::sats).sum();
        assertEquals(WalletScenario.PAYMENT.value, toPayee, "bitcoind's mempool: " + run.mempoolOutputs());
        long outputs = run.mempoolOutputs().stream().mapToLong(RegtestBackend.TxOutput::sats).sum();
        assertEquals(run.coinbaseToWallet(), outputs + run.paymentFee(), "inputs = outputs + fee");
        long change = run.coinbaseToWallet() - WalletScenario.PAYMENT.value - run.paymentFee();
        assertEquals(change, run.finalAvailable(), why);
    }

    private static void checkPeer(RegtestBackend.BackendPeer peer, AgentConnectionLog agent, Transport expected,
                                  BitcoindBackend backend, String why) {
        assertTrue(peer.userAgent().contains("bitcoinj"), peer.toString());
        assertEquals(expected.id(), peer.transport(), "getpeerinfo transport_protocol_type\n" + why);
        assertEquals("127.0.0.1:" + backend.p2pPort(), agent.peer().orElseThrow(), why);
        assertEquals(expected.id(), agent.transport().orElseThrow(), why);
        assertEquals(peer.sessionId(), agent.sessionId(), "session id: getpeerinfo vs agent log\n" + why);
    }

    private static RegtestBackend.BackendPeer single(List<RegtestBackend.BackendPeer> peers, String why) {
        assertEquals(1, peers.size(), "bitcoind's inbound peers: " + peers + "\n" + why);
        return peers.get(0);
    }
}

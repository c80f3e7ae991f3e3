package org.bip324shaper.it;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.node.PeerRecord;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.scenario.AgentConnectionLog;
import org.bip324shaper.it.scenario.BitcoindBackend;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.RegtestBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;

/**
 * Runs the whole thing once and prints what happened: an unmodified bitcoinj wallet in a child JVM with the agent,
 * against the project's regtest node (or the bitcoind named by {@code $BITCOIND}), syncing, receiving a mined
 * coinbase, paying 1 BTC. Per connection it prints the transport and session id as the peer and the agent saw
 * them, and the agent's byte counts (genuine vs decoy when the agent reports the split).
 *
 * <pre>
 * mvn -B -q install -DskipTests && mvn -B -q -pl it-tests exec:java
 * </pre>
 */
public final class WalletDemo {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private WalletDemo() {
    }

    public static void main(String[] args) throws Exception {
        Optional<Path> bitcoind = Bitcoind.fromEnvironment();
        Path java = WalletJvm.javas().get(0);
        try (RegtestBackend backend = bitcoind.isPresent()
                ? BitcoindBackend.start(bitcoind.get(), true)
                : NodeBackend.start(RegtestNode.Options.defaults())) {
            OUT.println("backend: " + backend.description() + " on 127.0.0.1:" + backend.p2pPort());
            OUT.println("wallet:  bitcoinj 0.17.1 (" + WalletMain.Client.NIO + ") on " + java);
            OUT.println("agent:   " + WalletJvm.agentJar());
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.NIO).run();
            print(run, backend);
            if (run.exitCode() != 0) {
                throw new IllegalStateException("the wallet exited with " + run.exitCode() + "\n" + run.transcript());
            }
        }
    }

    private static void print(WalletRun run, RegtestBackend backend) {
        OUT.println();
        OUT.println("connections (the wallet reconnects once: bitcoinj drops the peer it sent a payment to)");
        List<AgentConnectionLog> agent = run.agentConnections();
        for (AgentConnectionLog c : agent) {
            OUT.println("  agent #" + c.id() + ": " + c.transport().orElse("?") + " session="
                    + c.sessionId().orElse("-"));
            Map<String, String> split = c.genuineAndDecoyFields();
            StringBuilder bytes = new StringBuilder();
            c.close().forEach((k, v) -> {
                if (!k.equals("peer")) {
                    bytes.append(' ').append(k).append('=').append(v);
                }
            });
            OUT.println("      close:" + (c.isClosed() ? bytes : " (no close line)")
                    + (split.isEmpty() && c.isClosed() ? "  [no v2 wire counts: a v1 connection]" : ""));
        }
        if (backend instanceof NodeBackend node) {
            for (PeerRecord p : node.node().peers()) {
                OUT.println("  node  #" + p.id() + ": " + p.transport().id() + " session="
                        + p.sessionIdHex().orElse("-") + " " + p.userAgent().orElse("(no version)")
                        + " ended: " + p.endReason().orElse("open"));
                p.wire().ifPresent(w -> OUT.println("      node read genuine=" + w.read().genuineBytes()
                        + " decoy=" + w.read().decoyBytes() + " (" + w.read().decoyPackets() + " decoy packets)"
                        + " handshake=" + (w.read().handshakeBytes() + w.read().garbageBytes())));
            }
        } else {
            for (RegtestBackend.BackendPeer p : run.peersAtSync()) {
                OUT.println("  bitcoind at sync: " + p.transport() + " session=" + p.sessionId().orElse("-"));
            }
            for (RegtestBackend.BackendPeer p : run.peersAtEnd()) {
                OUT.println("  bitcoind at end:  " + p.transport() + " session=" + p.sessionId().orElse("-"));
            }
        }
        OUT.println();
        OUT.println("synced to height " + run.syncedHeight() + " (backend: " + run.backendHeightAtSync() + ")");
        OUT.println("mined to the wallet " + btc(run.coinbaseToWallet()) + "; balance once spendable "
                + btc(run.availableWhenSpendable()));
        OUT.println("paid " + btc(run.paymentAmount()) + " to " + run.payee() + " (fee " + run.paymentFee()
                + " sat), txid " + run.paymentTxid());
        OUT.println("  in the backend's mempool: " + run.mempoolOutputs());
        OUT.println("  confirmed at height " + run.confirmedHeight() + "; balance now " + btc(run.finalAvailable()));
    }

    private static String btc(long sats) {
        return BigDecimal.valueOf(sats, 8).toPlainString() + " BTC";
    }
}

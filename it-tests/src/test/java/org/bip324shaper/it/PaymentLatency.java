package org.bip324shaper.it;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.scenario.AgentConnectionLog;
import org.bip324shaper.it.scenario.BitcoindBackend;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.RegtestBackend;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.bip324shaper.it.wallet.WalletProcess;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.AddressParser;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ECKey;

/**
 * Payment latency per shaping: an unmodified bitcoinj wallet with the agent pays N times (bitcoinj's defaults, so it
 * drops the peer after each broadcast), and each payment's latency is the time from bitcoinj's send call (the
 * wallet's {@code PAYING} line, wall clock) to the backend first holding the transaction in its memory pool (polled
 * every 2 ms on the project's node, 10 ms on bitcoind, so that is the resolution). Against bitcoind when
 * {@code BITCOIND} is set, else the project's own regtest node.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl it-tests exec:java -Dexec.mainClass=org.bip324shaper.it.PaymentLatency -Dexec.args="--payments 20"
 * </pre>
 * Options: {@code --payments N} (default 10), {@code --clients nio,blocking} (default nio), {@code --shapings a,b}
 * (default: none, random and every preset).
 */
public final class PaymentLatency {
    private static final PrintStream OUT = System.out;
    private static final Duration STEP = WalletScenario.STEP_TIMEOUT;

    private PaymentLatency() {
    }

    public static void main(String[] args) throws Exception {
        int payments = 10;
        List<WalletMain.Client> clients = List.of(WalletMain.Client.NIO);
        List<String> shapings = OwnNodeWalletIT.shapings().toList();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--payments" -> payments = Integer.parseInt(value);
                case "--clients" -> clients = Arrays.stream(value.split(","))
                        .map(c -> WalletMain.Client.valueOf(c.trim().toUpperCase(java.util.Locale.ROOT))).toList();
                case "--shapings" -> shapings = Arrays.stream(value.split(",")).map(String::trim).toList();
                default -> {
                    System.err.println("usage: PaymentLatency [--payments N] [--clients nio,blocking] "
                            + "[--shapings none,random,PRESET...]; unknown argument " + args[i]);
                    System.exit(64);
                }
            }
            i++;
        }
        if (payments < 1) {
            throw new IllegalArgumentException("--payments must be at least 1, was " + payments);
        }
        Optional<Path> bitcoind = Bitcoind.fromEnvironment();
        OUT.printf("payment latency: bitcoinj send call -> the node's memory pool; %d payments per run, against %s%n",
                payments, bitcoind.map(p -> "bitcoind " + p).orElse("the project's regtest node"));
        OUT.printf("%-10s %-9s %8s %8s %8s %8s  %s%n", "shaping", "client", "p50 ms", "p99 ms", "max ms", "mean",
                "undelivered msgs (agent close lines)");
        for (String shaping : shapings) {
            for (WalletMain.Client client : clients) {
                try (RegtestBackend backend = bitcoind.isPresent()
                        ? BitcoindBackend.start(bitcoind.get(), true)
                        : NodeBackend.start(RegtestNode.Options.defaults())) {
                    Result r = run(backend, shaping, client, payments);
                    OUT.printf("%-10s %-9s %8d %8d %8d %8.0f  %d%n", shaping, client.name().toLowerCase(),
                            r.percentile(50), r.percentile(99), r.percentile(100), r.mean(), r.undelivered);
                }
            }
        }
    }

    private record Result(long[] millis, long undelivered) {
        long percentile(int p) {
            long[] sorted = millis.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest rank
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
        }

        double mean() {
            return Arrays.stream(millis).average().orElse(Double.NaN);
        }
    }

    private static Result run(RegtestBackend backend, String shaping, WalletMain.Client client, int payments)
            throws Exception {
        Address miner = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
        Address payee = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
        backend.generateToAddress(5, miner);
        String agentOptions = "loopback=true,ports=" + backend.p2pPort() + ",shaping=" + shaping;
        WalletProcess.Launch launch = new WalletProcess.Launch(WalletJvm.javas().get(0), WalletJvm.agentJar(),
                agentOptions, WalletJvm.walletClasspath(), backend.p2pPort(), client, payee,
                WalletScenario.PAYMENT.divide(payments + 1), STEP);
        long[] latencies = new long[payments];
        try (WalletProcess wallet = launch.start(List.of(Integer.toString(payments)))) {
            Address walletAddress = AddressParser.getDefault(BitcoinNetwork.REGTEST)
                    .parseAddress(wallet.awaitLine("ADDRESS", STEP));
            wallet.awaitLine("SYNCED", STEP);
            backend.generateToAddress(1, walletAddress);
            backend.generateToAddress(100, miner);
            wallet.awaitLine("BALANCE", STEP);
            long pollMillis = backend instanceof NodeBackend ? 2 : 10;
            for (int i = 0; i < payments; i++) {
                long sentAtMillis = Long.parseLong(wallet.awaitLine("PAYING", STEP).split(" ")[1]);
                Sha256Hash txid = Sha256Hash.wrap(wallet.awaitLine("SENT", STEP));
                long deadline = System.nanoTime() + STEP.toNanos();
                while (!backend.inMempool(txid)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("payment " + (i + 1) + " under shaping=" + shaping
                                + " never reached the node\n" + wallet.describe());
                    }
                    Thread.sleep(pollMillis);
                }
                latencies[i] = System.currentTimeMillis() - sentAtMillis;
                wallet.awaitLine("BROADCAST", STEP);
            }
            backend.generateToAddress(1, miner);
            wallet.awaitLine("CONFIRMED", STEP);
            wallet.awaitLine("BALANCE", STEP);
            backend.disconnectPeers();
            wallet.awaitLine("DONE", STEP);
            wallet.awaitExit(STEP);
            long undelivered = 0;
            for (AgentConnectionLog c : AgentConnectionLog.parse(wallet.stderr())) {
                undelivered += c.undeliveredMessages().orElse(0L);
            }
            return new Result(latencies, undelivered);
        }
    }
}

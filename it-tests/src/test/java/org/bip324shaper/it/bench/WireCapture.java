package org.bip324shaper.it.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.bitcoind.JsonRpc;
import org.bip324shaper.it.scenario.AgentConnectionLog;
import org.bip324shaper.it.scenario.BitcoindBackend;
import org.bip324shaper.it.scenario.RegtestBackend;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.bip324shaper.it.wallet.WalletProcess;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.AddressParser;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ECKey;

/**
 * A wallet capture on the real wire, in the format of {@code shared/traces/wallet}: a real bitcoind on regtest, an
 * unmodified bitcoinj 0.17.1 wallet in a child JVM with the agent and the given agent options, and {@code tcpdump}
 * on the loopback between the agent and bitcoind. The wallet syncs 101 blocks and a matured coinbase
 * ({@code ready}); then for {@code --minutes} random events come at exponential gaps ({@link WireSchedule}): it pays
 * 0.001 BTC to itself ({@code pay}, at its send call), or the node mines a block paying it ({@code block_to_us}) or
 * someone else ({@code block}). Writes into {@code --out}:
 * <pre>
 * NAME.pcap          tcpdump -i lo -s 128 tcp port NODEPORT (SYNs and FINs of every connection)
 * NAME.events.csv    epoch_s,kind,detail (WalletCaptures.read takes both)
 * NAME.payments.csv  txid,pay_epoch_s,accepted_epoch_s,delivered: the send call, bitcoind's first acceptance into
 *                    its memory pool (its debug.log, -debug=mempool -logtimemicros), and whether the node holds the
 *                    payment at the end (memory pool or a block)
 * NAME.agent.log     the wallet JVM's stderr (the agent's lines)
 * </pre>
 * and prints the payments delivered, their latency and how many connections the node saw. Run (as root, for
 * tcpdump; build first with {@code mvn -B -o -pl agent,it-tests -am package -DskipTests}):
 * <pre>
 * java -cp it-tests/target/test-classes:$(cat cp.txt) org.bip324shaper.it.bench.WireCapture \
 *     --bitcoind /work/shared/bitcoind/bin/bitcoind --out /work/wire-captures --name default-1 --minutes 8 \
 *     --seed 1 [--agent "normalize=all"] [--client nio|blocking] [--java PATH]
 * </pre>
 * {@code --agent} adds to {@code loopback=true,ports=NODEPORT}; empty is the agent's default. Without tcpdump on the
 * PATH it says so and exits with status 3.
 */
public final class WireCapture {
    static final Coin PAYMENT = Coin.valueOf(100_000);
    static final Duration STEP = WalletScenario.STEP_TIMEOUT;
    static final int NO_TCPDUMP = 3;

    private WireCapture() {
    }

    record Options(Path bitcoind, Path out, String name, Duration length, long seed, String agent,
                   WalletMain.Client client, Path java) {
        static Options parse(String... args) {
            Path bitcoind = Bitcoind.fromEnvironment().orElse(null);
            Path out = Path.of("wire-captures");
            String name = null;
            Duration length = Duration.ofMinutes(8);
            long seed = 1;
            String agent = "";
            WalletMain.Client client = WalletMain.Client.NIO;
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            for (int i = 0; i < args.length; i++) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String v = args[++i];
                switch (args[i - 1]) {
                    case "--bitcoind" -> bitcoind = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    case "--name" -> name = v;
                    case "--minutes" -> length = Duration.ofMillis(Math.round(Double.parseDouble(v) * 60_000));
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--agent" -> agent = v.strip();
                    case "--client" -> client = WalletMain.Client.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--java" -> java = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + " (--bitcoind"
                            + " PATH --out DIR --name NAME --minutes M --seed S --agent OPTIONS --client nio|blocking"
                            + " --java PATH)");
                }
            }
            if (bitcoind == null) {
                throw new IllegalArgumentException("no bitcoind: give --bitcoind PATH or set " + Bitcoind.ENVIRONMENT);
            }
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("--name NAME is needed (letters, digits, . _ -)");
            }
            if (length.isNegative() || length.isZero()) {
                throw new IllegalArgumentException("--minutes must be positive");
            }
            return new Options(bitcoind, out, name, length, seed, agent, client, java);
        }
    }

    /** One payment: the send call, bitcoind's first acceptance (empty if never) and whether the node holds it. */
    record Payment(String txid, long payMillis, Optional<Instant> accepted, boolean delivered) {
        String csv() {
            return String.format(Locale.ROOT, "%s,%d.%03d,%s,%s", txid, payMillis / 1000, payMillis % 1000,
                    accepted.map(a -> String.format(Locale.ROOT, "%d.%06d", a.getEpochSecond(), a.getNano() / 1000))
                            .orElse(""), delivered);
        }

        Optional<Long> latencyMillis() {
            return accepted.map(a -> a.toEpochMilli() - payMillis);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("WireCapture: " + e.getMessage());
            System.exit(64);
            return;
        }
        Optional<Path> tcpdump = onPath("tcpdump");
        if (tcpdump.isEmpty()) {
            System.err.println("WireCapture: tcpdump is not on the PATH, so nothing can be captured"
                    + " (Debian/Ubuntu: apt-get install -y tcpdump; it needs root or CAP_NET_RAW)");
            System.exit(NO_TCPDUMP);
            return;
        }
        Files.createDirectories(o.out());
        capture(o, tcpdump.get());
    }

    static Optional<Path> onPath(String program) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(
                File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin"));
        return dirs.stream().filter(d -> !d.isBlank()).map(d -> Path.of(d, program)).filter(Files::isExecutable)
                .findFirst();
    }

    private static void capture(Options o, Path tcpdump) throws Exception {
        Path pcap = o.out().resolve(o.name() + ".pcap");
        Address miner = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
        try (Bitcoind node = Bitcoind.start(o.bitcoind(), true, List.of("-debug=mempool", "-logtimemicros=1"));
             RegtestBackend backend = new BitcoindBackend(node);
             Tcpdump dump = Tcpdump.start(tcpdump, pcap, node.p2pPort())) {
            CaptureEvents events = new CaptureEvents(node.p2pPort());
            String options = "loopback=true,ports=" + node.p2pPort() + (o.agent().isEmpty() ? "" : "," + o.agent());
            WalletProcess.Launch launch = new WalletProcess.Launch(o.java(), WalletJvm.agentJar(), options,
                    WalletJvm.walletClasspath(), node.p2pPort(), o.client(), miner, PAYMENT, STEP);
            List<Payment> payments;
            String agentLog;
            try (WalletProcess wallet = launch.start(List.of(WalletMain.ON_COMMAND))) {
                Address walletAddress = AddressParser.getDefault(BitcoinNetwork.REGTEST)
                        .parseAddress(wallet.awaitLine("ADDRESS", STEP));
                backend.generateToAddress(1, walletAddress);
                backend.generateToAddress(100, miner);
                wallet.awaitLine("SYNCED", STEP);
                wallet.awaitLine("BALANCE", STEP);
                long ready = System.currentTimeMillis();
                events.add(ready, CaptureEvents.Kind.READY, "");
                System.out.printf(Locale.ROOT, "%s: ready at height %d; %s of events, agent options '%s'%n",
                        o.name(), backend.height(), o.length(), options);
                List<String> txids = new ArrayList<>();
                Set<String> minedTxids = new HashSet<>();
                JsonRpc rpc = node.rpc();
                for (WireSchedule.Planned p : WireSchedule.standard(o.seed()).plan(o.length())) {
                    waitUntil(ready + p.offset().toMillis());
                    switch (p.kind()) {
                        case PAY -> {
                            wallet.tell("pay");
                            long at = Long.parseLong(wallet.awaitLine("PAYING", STEP).split(" ")[1]);
                            String txid = wallet.awaitLine("SENT", STEP);
                            events.add(at, CaptureEvents.Kind.PAY, txid);
                            txids.add(txid);
                        }
                        case BLOCK_TO_US, BLOCK -> {
                            long at = System.currentTimeMillis();
                            Sha256Hash block = backend.generateToAddress(1,
                                    p.kind() == CaptureEvents.Kind.BLOCK ? miner : walletAddress).get(0);
                            events.add(at, p.kind(), "");
                            minedTxids.addAll(blockTxids(rpc, block));
                        }
                        default -> throw new IllegalStateException("not a planned kind: " + p.kind());
                    }
                }
                waitUntil(ready + o.length().toMillis());
                events.add(System.currentTimeMillis(), CaptureEvents.Kind.END, "");
                int connections = nodeConnections(rpc);
                wallet.tell("stop");
                wallet.awaitLine("DONE", STEP);
                wallet.awaitExit(STEP);
                Set<String> held = new HashSet<>(minedTxids);
                for (Object id : (List<?>) rpc.call("getrawmempool")) {
                    held.add((String) id);
                }
                Map<String, Instant> accepted = NodeMempoolLog.firstAccepted(
                        Files.readString(node.debugLog(), StandardCharsets.UTF_8));
                payments = new ArrayList<>();
                List<CaptureEvents.Event> pays = events.events().stream()
                        .filter(e -> e.kind() == CaptureEvents.Kind.PAY).toList();
                for (CaptureEvents.Event e : pays) {
                    payments.add(new Payment(e.detail(), e.epochMillis(), Optional.ofNullable(accepted.get(e.detail())),
                            held.contains(e.detail())));
                }
                agentLog = wallet.stderr();
                long broadcast = wallet.stdout().stream().filter(l -> l.startsWith("BROADCAST ")).count();
                report(o, payments, broadcast, connections, agentLog);
            }
            dump.stop();
            events.write(o.out().resolve(o.name() + ".events.csv"));
            StringBuilder csv = new StringBuilder("txid,pay_epoch_s,accepted_epoch_s,delivered\n");
            payments.forEach(p -> csv.append(p.csv()).append('\n'));
            Files.writeString(o.out().resolve(o.name() + ".payments.csv"), csv, StandardCharsets.UTF_8);
            Files.writeString(o.out().resolve(o.name() + ".agent.log"), agentLog, StandardCharsets.UTF_8);
            System.out.printf(Locale.ROOT, "%s: wrote %s (%d bytes), .events.csv, .payments.csv, .agent.log%n",
                    o.name(), pcap, Files.size(pcap));
        }
    }

    private static void report(Options o, List<Payment> payments, long broadcast, int nodeConnections,
                               String agentLog) {
        long delivered = payments.stream().filter(Payment::delivered).count();
        long[] latencies = payments.stream().map(Payment::latencyMillis).flatMap(Optional::stream)
                .mapToLong(Long::longValue).sorted().toArray();
        long undelivered = 0;
        for (AgentConnectionLog c : AgentConnectionLog.parse(agentLog)) {
            undelivered += c.undeliveredMessages().orElse(0L);
        }
        System.out.printf(Locale.ROOT, "%s: payments delivered %d/%d (relayed back to the wallet: %d); latency to the"
                        + " node's mempool p50 %s ms, p99 %s ms, max %s ms; connections the node saw: %d; agent"
                        + " undelivered messages: %d%n", o.name(), delivered, payments.size(), broadcast,
                quantile(latencies, 0.5), quantile(latencies, 0.99), quantile(latencies, 1), nodeConnections,
                undelivered);
    }

    /** Nearest rank; "-" for none. */
    static String quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return Long.toString(sorted[Math.max(0, Math.min(sorted.length - 1, rank))]);
    }

    /** bitcoind numbers its peers from 0 in connection order, so the newest id + 1 is every connection it saw. */
    private static int nodeConnections(JsonRpc rpc) throws IOException {
        int newest = -1;
        for (Object p : (List<?>) rpc.call("getpeerinfo")) {
            newest = Math.max(newest, ((Number) ((Map<?, ?>) p).get("id")).intValue());
        }
        return newest + 1;
    }

    private static List<String> blockTxids(JsonRpc rpc, Sha256Hash block) throws IOException {
        List<String> txids = new ArrayList<>();
        for (Object id : (List<?>) ((Map<?, ?>) rpc.call("getblock", block.toString(), 1)).get("tx")) {
            txids.add((String) id);
        }
        return txids;
    }

    /** The schedule's clock: sleeping until the planned time is what a scheduler does. */
    private static void waitUntil(long epochMillis) throws InterruptedException {
        for (long left; (left = epochMillis - System.currentTimeMillis()) > 0; ) {
            Thread.sleep(left);
        }
    }

    /** tcpdump on the loopback for one TCP port, writing a pcap; started and stopped by this capture only. */
    static final class Tcpdump implements AutoCloseable {
        private static final Duration START = Duration.ofSeconds(15);
        private final Process process;
        private final Path log;

        private Tcpdump(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Tcpdump start(Path tcpdump, Path pcap, int port) throws IOException, InterruptedException,
                TimeoutException {
            Path log = Files.createTempFile("bip324-tcpdump", ".log");
            // -U: each packet is written when it arrives, so a stop loses nothing; -s 128: headers and the first
            // ciphertext bytes, as the shared captures
            Process p = new ProcessBuilder(tcpdump.toString(), "-i", "lo", "-s", "128", "-U", "-n", "-w",
                    pcap.toString(), "tcp", "port", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Tcpdump dump = new Tcpdump(p, log);
            long deadline = System.nanoTime() + START.toNanos();
            while (!Files.readString(log, StandardCharsets.UTF_8).contains("listening on")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String out = Files.readString(log, StandardCharsets.UTF_8);
                    dump.close();
                    throw new TimeoutException("tcpdump did not start listening within " + START + ": " + out);
                }
                Thread.sleep(50);
            }
            return dump;
        }

        /** SIGTERM: tcpdump writes what it holds and exits. */
        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            try {
                stop();
            } finally {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }
}

package org.bip324shaper.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.scenario.BitcoindBackend;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.RegtestBackend;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.crypto.ECKey;

/**
 * The wallet rows of the {@code bench} command: a cold bitcoinj wallet JVM ({@link SyncMain}) connects to one
 * regtest node and downloads {@code --blocks} blocks, without the agent (plain v1, the baseline), with it loaded but
 * redirecting nothing (v1), and with it (v2, once without shaping and once with the agent's default shaping), the
 * four interleaved over {@code --rounds} rounds so the machine's load falls on all alike. Runs against the project's own regtest node, and also against
 * bitcoind when {@code BITCOIND} (or {@code --bitcoind PATH}) names one. Prints medians, one {@code ROW} line per
 * figure, for bench/bench.sh:
 * <pre>
 * ROW first-connection &lt;node&gt; &lt;v1 ms&gt; &lt;v2 ms&gt; &lt;v1 with the agent idle ms&gt;
 *                                                     PeerGroup.start() to the first peer's version handshake
 * ROW first-upstream &lt;node&gt; &lt;dial ms&gt; &lt;handshake ms&gt; inside the agent: its first v2 upstream
 * ROW sync &lt;node&gt; &lt;blocks&gt; &lt;plain ms&gt; &lt;agent no shaping ms&gt; &lt;agent default shaping ms&gt;
 * </pre>
 */
public final class WalletBench {

    /** Agent options per configuration; null: no agent. "ports" and "loopback" are added per node. */
    private static final Map<String, String> CONFIGS = new LinkedHashMap<>();
    /** The agent's options for the run that redirects nothing (the node's port is not among the agent's ports). */
    private static final String IDLE = "loopback=true,log=debug,ports=1";

    static {
        CONFIGS.put("plain", null);
        CONFIGS.put("agent-idle", IDLE); // loaded and hooked, but not redirecting: what the agent costs a v1 connect
        CONFIGS.put("agent-none", "padding=off,decoy=off");
        CONFIGS.put("agent-default", "");
    }

    /** With {@code --profile DIR}: each wallet JVM records a JFR profile there, named by node, config, round. */
    private static Path profileDir;

    private WalletBench() {
    }

    public static void main(String[] args) throws Exception {
        int blocks = 3_100;
        int rounds = 3;
        profileDir = null;
        Optional<Path> bitcoind = Bitcoind.fromEnvironment();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        boolean ownNode = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--bitcoind" -> bitcoind = Optional.of(Path.of(args[++i]));
                case "--java" -> java = Path.of(args[++i]);
                case "--profile" -> profileDir = Path.of(args[++i]);
                case "--bitcoind-only" -> ownNode = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--blocks N --rounds N --bitcoind PATH --bitcoind-only --java PATH --profile DIR)");
            }
        }
        System.out.printf(Locale.ROOT, "wallet bench: %d blocks, %d rounds, java %s%n", blocks, rounds, java);
        if (ownNode) {
            try (NodeBackend node = NodeBackend.start(RegtestNode.Options.defaults())) {
                run("own-node", node, blocks, rounds, java);
            }
        }
        if (bitcoind.isPresent()) {
            try (BitcoindBackend node = BitcoindBackend.start(bitcoind.get(), true)) {
                run("bitcoind", node, blocks, rounds, java);
            }
        }
    }

    private static void run(String name, RegtestBackend node, int blocks, int rounds, Path java) throws Exception {
        long mineStart = System.nanoTime();
        ECKey miner = new ECKey();
        for (int left = blocks; left > 0; left -= 500) { // bitcoind's RPC answers within its timeout per batch
            node.generateToAddress(Math.min(500, left), miner.toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST));
        }
        System.out.printf(Locale.ROOT, "%s: %s, %d blocks mined in %d ms%n", name, node.description(),
                node.height(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - mineStart));
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, String> config : CONFIGS.entrySet()) {
                String label = name + "-" + config.getKey() + "-" + (round + 1);
                double[] result = runWallet(java, node, config.getValue(), blocks, label);
                results.computeIfAbsent(config.getKey(), k -> new ArrayList<>()).add(result);
                System.out.printf(Locale.ROOT, "  round %d %-13s start %5.0f ms  connected %7.1f ms  synced %6.0f ms%n",
                        round + 1, config.getKey(), result[0], result[1], result[2]);
            }
        }
        double v1Connect = median(results.get("plain"), 1);
        double v2Connect = median(results.get("agent-none"), 1);
        System.out.printf(Locale.ROOT, "ROW first-connection %s %.1f %.1f %.1f%n", name, v1Connect, v2Connect,
                median(results.get("agent-idle"), 1));
        List<double[]> withAgent = new ArrayList<>(results.get("agent-none"));
        withAgent.addAll(results.get("agent-default"));
        System.out.printf(Locale.ROOT, "ROW first-upstream %s %.1f %.1f%n", name, median(withAgent, 4),
                median(withAgent, 5));
        System.out.printf(Locale.ROOT, "ROW sync %s %d %.0f %.0f %.0f%n", name, blocks,
                median(results.get("plain"), 2), median(results.get("agent-none"), 2),
                median(results.get("agent-default"), 2));
        System.out.printf(Locale.ROOT, "ROW sync-cpu %s %d %.0f %.0f %.0f%n", name, blocks,
                median(results.get("plain"), 3), median(results.get("agent-none"), 3),
                median(results.get("agent-default"), 3));
        if (!Double.isNaN(results.get("plain").get(0)[6])) {
            // the peer shares this machine's cores: its own v2 work is part of what the wallet waits for
            System.out.printf(Locale.ROOT, "ROW sync-peer-cpu %s %d %.0f %.0f %.0f%n", name, blocks,
                    median(results.get("plain"), 6), median(results.get("agent-none"), 6),
                    median(results.get("agent-default"), 6));
        }
    }

    /**
     * One cold wallet JVM: {START ms, CONNECTED ms, SYNCED ms, CPU ms from START to SYNCED, with the agent the
     * first v2 upstream's dial and handshake ms, and the peer's CPU ms over the wallet JVM's life when it is a process
     * of its own}.
     */
    private static double[] runWallet(Path java, RegtestBackend node, String agentOptions, int height, String label)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        if (profileDir != null) {
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + profileDir.resolve(label + ".jfr").toAbsolutePath());
        }
        if (agentOptions != null) {
            String options = agentOptions.equals(IDLE) ? IDLE : "loopback=true,log=debug,ports=" + node.p2pPort()
                    + (agentOptions.isEmpty() ? "" : "," + agentOptions);
            command.add("-javaagent:" + WalletJvm.agentJar() + "=" + options);
        }
        command.addAll(List.of("-Xmx512m", "-cp", WalletJvm.walletClasspath(), SyncMain.class.getName(),
                Integer.toString(node.p2pPort())));
        Path out = Files.createTempFile("bip324-bench", ".out");
        Path err = Files.createTempFile("bip324-bench", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("BIP324_"));
            OptionalLong peerCpuBefore = node.processCpuMillis();
            Process process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("wallet JVM hung: " + command);
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            double start = Double.NaN;
            double connected = Double.NaN;
            double synced = Double.NaN;
            double cpu = Double.NaN;
            StringBuilder threads = new StringBuilder();
            for (String line : lines) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "START" -> start = Double.parseDouble(words[1]);
                    case "CPU" -> cpu = Double.parseDouble(words[1]);
                    case "THREADCPU" -> {
                        if (Long.parseLong(words[1]) >= 50) {
                            threads.append(threads.length() == 0 ? "" : ", ").append(line.substring(10));
                        }
                    }
                    case "CONNECTED" -> connected = Double.parseDouble(words[1]);
                    case "SYNCED" -> {
                        if (Integer.parseInt(words[1]) != height) {
                            throw new IOException("wallet synced to " + words[1] + ", not " + height);
                        }
                        synced = Double.parseDouble(words[2]);
                    }
                    default -> {
                    }
                }
            }
            if (process.exitValue() != 0 || Double.isNaN(synced)) {
                throw new IOException("wallet JVM failed (" + process.exitValue() + "): " + command + "\n"
                        + String.join("\n", lines) + "\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            String agentLog = Files.readString(err, StandardCharsets.UTF_8);
            if (agentOptions != null && !agentOptions.equals(IDLE) && !agentLog.contains("transport=v2")) {
                throw new IOException("the agent did not connect over v2:\n" + agentLog);
            }
            Matcher upstream = Pattern.compile(
                    "v2 upstream ready: dial (\\d+) us, handshake (\\d+) us").matcher(agentLog);
            double dial = Double.NaN;
            double handshake = Double.NaN;
            if (upstream.find()) {
                dial = Long.parseLong(upstream.group(1)) / 1000.0;
                handshake = Long.parseLong(upstream.group(2)) / 1000.0;
                System.out.printf(Locale.ROOT, "    %s: first v2 upstream: dial %.1f ms, handshake %.1f ms%n", label,
                        dial, handshake);
            }
            OptionalLong peerCpuAfter = node.processCpuMillis();
            double peerCpu = peerCpuBefore.isPresent() && peerCpuAfter.isPresent()
                    ? peerCpuAfter.getAsLong() - peerCpuBefore.getAsLong() : Double.NaN;
            System.out.printf(Locale.ROOT, "    %s: cpu %.0f ms; threads >= 50 ms: %s%s%n", label, cpu, threads,
                    Double.isNaN(peerCpu) ? "" : String.format(Locale.ROOT, "; the peer's cpu %.0f ms", peerCpu));
            return new double[] {start, connected, synced, cpu, dial, handshake, peerCpu};
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static double median(List<double[]> runs, int column) {
        double[] values = runs.stream().mapToDouble(r -> r[column]).toArray();
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}

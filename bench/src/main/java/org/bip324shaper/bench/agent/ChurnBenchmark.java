package org.bip324shaper.bench.agent;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.agent.v2.V1OnlyPeers;
import org.bip324shaper.agent.v2.V2UpstreamConnector;
import org.bip324shaper.bench.agent.FaultyPeers.Fault;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;

/**
 * Churn and faults at scale through the agent's bridge: opens and closes many "wallet" connections, a fixed number
 * at a time, to loopback BIP-324 peers that work or fail in one way each ({@link Fault}: RST before the key,
 * silence, a slow peer, a bad tag, an oversize length, a peer vanishing mid-block). Each wallet connection sends
 * version and ping as v1 frames and waits for the pong, with bitcoinj's 5 s version timeout.
 *
 * <p>Checks, and prints: every connection ended the way its fault should end it and within its deadline; every
 * connection has exactly one open and one close log line (or exactly one "could not open" line); and afterwards
 * threads, file descriptors ({@code /proc/self/fd}) and the live heap (a class histogram after a full GC) are back
 * at their baseline, measured after a warm-up of twice as many connections as run at a time.
 *
 * <pre>
 * mvn -B -q -pl agent,bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar org.bip324shaper.bench.agent.ChurnBenchmark [connections] [at-a-time]
 * </pre>
 * Defaults 1000 and 50. Exit code 0 when every check passed.
 */
public final class ChurnBenchmark {

    private static final Network NET = Network.REGTEST;
    /** What counts as "back at baseline" for the live heap: class loading and JIT leave a little behind. */
    static final long HEAP_TOLERANCE_BYTES = 1 << 20;
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);
    /** {@code -Dchurn.classes=true}: also print which classes' live bytes grew (the kept map then counts too). */
    private static final boolean KEEP_CLASSES = Boolean.getBoolean("churn.classes");

    private ChurnBenchmark() {
    }

    /** How a wallet connection ended. */
    enum Outcome {
        /** The pong arrived: the connection works. */
        PONG,
        /** The bridge closed the wallet's connection (end of stream or reset). */
        ENDED,
        /** Nothing arrived within the wallet's own timeout (bitcoinj's 5 s version timeout). */
        WALLET_TIMEOUT,
        /** Anything else: a bug. */
        FAILED
    }

    static Outcome expected(Fault fault) {
        return switch (fault) {
            case NONE, SLOW -> Outcome.PONG;
            case SILENCE -> Outcome.WALLET_TIMEOUT;
            case RST, BAD_TAG, OVERSIZE, VANISH_MID_BLOCK -> Outcome.ENDED;
        };
    }

    /**
     * @param connections   wallet connections to open and close
     * @param concurrency   how many at a time
     * @param v2Timeout     the bridge's v2 handshake timeout
     * @param walletTimeout how long a wallet waits for an answer before it gives up (bitcoinj: 5 s)
     */
    record Settings(int connections, int concurrency, Duration v2Timeout, Duration walletTimeout) {
        static Settings of(int connections, int concurrency) {
            return new Settings(connections, concurrency, V2UpstreamConnector.DEFAULT_V2_TIMEOUT,
                    Duration.ofSeconds(5));
        }

        /** The longest a connection with {@code fault} may take, end to end, before it counts as hung. */
        Duration deadline(Fault fault) {
            Duration slack = Duration.ofSeconds(2); // 50 handshakes at once on 2 loaded cores
            return expected(fault) == Outcome.WALLET_TIMEOUT ? walletTimeout.plus(slack) : v2Timeout.plus(slack);
        }
    }

    /** What a run measured; {@link #problems()} is empty when every check passed. */
    record Result(Settings settings, ProcessFootprint baseline, ProcessFootprint after, Map<Fault, long[]> millis,
                  Map<Fault, Integer> asExpected, int logChecked, Duration wall, List<String> problems) {

        String report() {
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "churn: %d wallet connections through the bridge, %d at a time,"
                            + " in %.1f s%n", settings.connections(), settings.concurrency(),
                    wall.toMillis() / 1000.0));
            text.append(String.format(Locale.ROOT, "%-17s %6s %10s %8s %8s %9s%n", "fault", "conns", "as-expect",
                    "p50 ms", "max ms", "limit ms"));
            for (Fault fault : Fault.values()) {
                long[] ms = millis.get(fault);
                if (ms.length == 0) {
                    continue;
                }
                long[] sorted = ms.clone();
                Arrays.sort(sorted);
                text.append(String.format(Locale.ROOT, "%-17s %6d %10d %8d %8d %9d%n",
                        fault.name().toLowerCase(Locale.ROOT), ms.length, asExpected.get(fault),
                        sorted[sorted.length / 2], sorted[sorted.length - 1], settings.deadline(fault).toMillis()));
            }
            text.append(String.format(Locale.ROOT, "%-10s %8s %8s %14s %12s%n", "", "threads", "fds", "live heap B",
                    "live objects"));
            text.append(row("baseline", baseline)).append(row("after", after));
            text.append(String.format(Locale.ROOT, "%-10s %+8d %+8d %+14d %+12d%n", "delta",
                    after.threads() - baseline.threads(), after.fds() - baseline.fds(),
                    after.liveHeapBytes() - baseline.liveHeapBytes(), after.liveObjects() - baseline.liveObjects()));
            if (!baseline.bytesByClass().isEmpty()) {
                text.append("live heap grown most: ").append(after.grownSince(baseline, 8)).append('\n');
            }
            text.append("log: ").append(logChecked).append(" connections with exactly one open and one close line"
                    + " (or one could-not-open line)\n");
            text.append(problems.isEmpty() ? "all checks passed\n" : "PROBLEMS:\n  " + String.join("\n  ", problems)
                    + "\n");
            return text.toString();
        }

        private static String row(String name, ProcessFootprint f) {
            return String.format(Locale.ROOT, "%-10s %8d %8d %14d %12d%n", name, f.threads(), f.fds(),
                    f.liveHeapBytes(), f.liveObjects());
        }
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Result result = run(Settings.of(connections, concurrency));
        System.out.print(result.report());
        System.exit(result.problems().isEmpty() ? 0 : 1);
    }

    static Result run(Settings settings) throws Exception {
        Path logFile = Files.createTempFile("bip324-churn", ".log");
        List<String> problems = new ArrayList<>();
        try (PrintStream logOut = new PrintStream(new FileOutputStream(logFile.toFile()), true, StandardCharsets.UTF_8);
             FaultyPeers peers = new FaultyPeers(NET)) {
            AgentLog log = new AgentLog(LogLevel.INFO, logOut);
            Bridge bridge = new Bridge(new V2UpstreamConnector(AgentConfig.defaults(), settings.v2Timeout(),
                    V1OnlyPeers.off(), log), peer -> {
                        Socket socket = new Socket();
                        socket.connect(peer, 5000);
                        return socket;
                    }, log);
            ThreadPoolExecutor wallets = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 1,
                    TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            try {
                wallets.prestartAllCoreThreads();
                // warm-up: every fault on every wallet thread, so that classes are loaded and per-thread caches
                // (the JDK's temporary I/O buffers) filled before the baseline
                Fault[] warmUp = new Fault[Math.max(Fault.values().length * 3, settings.concurrency() * 2)];
                for (int i = 0; i < warmUp.length; i++) {
                    warmUp[i] = Fault.values()[i % Fault.values().length];
                }
                Batch warm = new Batch(warmUp);
                warm.runOn(wallets, bridge, peers, settings);
                settle(peers, bridge, problems, "warm-up");
                // the run's own result arrays exist before the baseline, so they do not count as growth
                Fault[] faults = new Fault[settings.connections()];
                for (int i = 0; i < faults.length; i++) {
                    faults[i] = Fault.values()[i % Fault.values().length];
                }
                shuffle(faults, new Random(324));
                Batch batch = new Batch(faults);
                Set<String> threadsBefore = threadNames();
                ProcessFootprint baseline = ProcessFootprint.measure(KEEP_CLASSES);

                long start = System.nanoTime();
                batch.runOn(wallets, bridge, peers, settings);
                Duration wall = Duration.ofNanos(System.nanoTime() - start);
                settle(peers, bridge, problems, "churn");
                int logChecked = checkLog(logFile, batch.ids, problems);
                ProcessFootprint after = ProcessFootprint.measure(KEEP_CLASSES);

                Map<Fault, long[]> millis = new HashMap<>();
                Map<Fault, Integer> asExpected = new HashMap<>();
                for (Fault fault : Fault.values()) {
                    List<Long> ms = new ArrayList<>();
                    int ok = 0;
                    for (int i = 0; i < faults.length; i++) {
                        if (faults[i] != fault) {
                            continue;
                        }
                        long took = batch.nanos[i] / 1_000_000;
                        ms.add(took);
                        if (batch.outcomes[i] == expected(fault)) {
                            ok++;
                        } else {
                            problems.add("connection #" + batch.ids[i] + " (" + fault + ") ended " + batch.outcomes[i]
                                    + ", expected " + expected(fault) + batch.notes[i]);
                        }
                        if (took > settings.deadline(fault).toMillis()) {
                            problems.add("connection #" + batch.ids[i] + " (" + fault + ") took " + took
                                    + " ms, past its " + settings.deadline(fault).toMillis() + " ms deadline");
                        }
                    }
                    millis.put(fault, ms.stream().mapToLong(Long::longValue).toArray());
                    asExpected.put(fault, ok);
                }
                // the bridge's pool keeps idle threads for a while and may have grown to the run's concurrency:
                // bounded by the pool, not a leak; every other thread must be back to the baseline
                Set<String> extra = threadNames();
                extra.removeAll(threadsBefore);
                extra.removeIf(name -> POOL_THREAD.matcher(name).matches());
                if (!extra.isEmpty()) {
                    problems.add("threads grew from " + baseline.threads() + " to " + after.threads() + ": " + extra);
                }
                long poolThreads = threadNames().stream().filter(n -> POOL_THREAD.matcher(n).matches()).count();
                if (poolThreads > Bridge.MAX_THREADS) {
                    problems.add(poolThreads + " bridge pool threads alive, past its bound of " + Bridge.MAX_THREADS);
                }
                if (after.fds() > baseline.fds()) {
                    problems.add("file descriptors grew from " + baseline.fds() + " to " + after.fds());
                }
                if (after.liveHeapBytes() - baseline.liveHeapBytes() > HEAP_TOLERANCE_BYTES) {
                    problems.add("live heap grew by " + (after.liveHeapBytes() - baseline.liveHeapBytes())
                            + " bytes, more than " + HEAP_TOLERANCE_BYTES);
                }
                return new Result(settings, baseline, after, millis, asExpected, logChecked, wall, problems);
            } finally {
                wallets.shutdownNow();
                bridge.close();
            }
        } finally {
            Files.deleteIfExists(logFile);
        }
    }

    /** Waits (bounded) until no peer socket is open and no agent thread works for a connection. */
    private static void settle(FaultyPeers peers, Bridge bridge, List<String> problems, String phase)
            throws InterruptedException {
        long end = System.nanoTime() + SETTLE_LIMIT.toNanos();
        while (peers.openSockets() > 0 || busyAgentThreads(bridge) > 0) {
            if (System.nanoTime() > end) {
                problems.add(phase + ": after " + SETTLE_LIMIT.toSeconds() + " s still " + peers.openSockets()
                        + " peer sockets open and " + busyAgentThreads(bridge) + " agent threads at work");
                return;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Agent threads working for a connection: the bridge's pool threads running a task, and any other agent thread
     * but those that live as long as the bridge (its listener, its timer, its idle pool threads, which end after
     * their idle time; the threads-grew check below bounds them).
     */
    private static long busyAgentThreads(Bridge bridge) {
        long others = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("bip324-")
                        && !t.getName().equals("bip324-bridge-accept") && !t.getName().equals("bip324-bridge-timer")
                        && !POOL_THREAD.matcher(t.getName()).matches())
                .count();
        return others + bridge.busyThreads();
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }

    private static final Pattern POOL_THREAD = Pattern.compile("bip324-bridge-\\d+");
    private static final Pattern LINE = Pattern.compile("#(\\d+) (open|close|could not open the upstream) ");

    /** Each connection: one open and one close line, or one could-not-open line and neither of the others. */
    private static int checkLog(Path logFile, long[] ids, List<String> problems) throws IOException {
        Map<Long, int[]> counts = new HashMap<>();
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                int[] c = counts.computeIfAbsent(Long.parseLong(m.group(1)), k -> new int[3]);
                c[m.group(2).equals("open") ? 0 : m.group(2).equals("close") ? 1 : 2]++;
            }
        }
        int good = 0;
        for (long id : ids) {
            int[] c = counts.getOrDefault(id, new int[3]);
            if ((c[0] == 1 && c[1] == 1 && c[2] == 0) || (c[0] == 0 && c[1] == 0 && c[2] == 1)) {
                good++;
            } else if (problems.size() < 50) {
                problems.add("connection #" + id + " has " + c[0] + " open, " + c[1] + " close and " + c[2]
                        + " could-not-open log lines");
            }
        }
        return good;
    }

    private static void shuffle(Fault[] faults, Random random) {
        for (int i = faults.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Fault t = faults[i];
            faults[i] = faults[j];
            faults[j] = t;
        }
    }

    /** One run of wallet connections; results in preallocated arrays, so that they do not count as growth. */
    private static final class Batch {
        final Fault[] faults;
        final long[] ids;
        final long[] nanos;
        final Outcome[] outcomes;
        final String[] notes;

        Batch(Fault[] faults) {
            this.faults = faults;
            this.ids = new long[faults.length];
            this.nanos = new long[faults.length];
            this.outcomes = new Outcome[faults.length];
            this.notes = new String[faults.length];
            Arrays.fill(notes, "");
        }

        void runOn(ThreadPoolExecutor pool, Bridge bridge, FaultyPeers peers, Settings settings)
                throws InterruptedException {
            CountDownLatch done = new CountDownLatch(faults.length);
            for (int i = 0; i < faults.length; i++) {
                int index = i;
                pool.execute(() -> {
                    try {
                        walletConnection(index, bridge, peers.address(faults[index]), settings);
                    } finally {
                        done.countDown();
                    }
                });
            }
            // every connection has its own deadline; this bound only keeps a bug from hanging the benchmark
            long limitMillis = (long) faults.length * settings.walletTimeout().toMillis() + 60_000;
            if (!done.await(limitMillis, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("wallet connections still running after " + limitMillis + " ms");
            }
        }

        private void walletConnection(int i, Bridge bridge, InetSocketAddress peer, Settings settings) {
            long start = System.nanoTime();
            Outcome outcome;
            try (Socket wallet = new Socket()) {
                wallet.bind(null);
                Bridge.Expected expected = bridge.expect((InetSocketAddress) wallet.getLocalSocketAddress(), peer);
                ids[i] = expected.connectionId();
                wallet.connect(expected.bridgeAddress(), 5000);
                wallet.setTcpNoDelay(true);
                wallet.setSoTimeout((int) settings.walletTimeout().toMillis());
                OutputStream out = wallet.getOutputStream();
                V1FrameEncoder encoder = new V1FrameEncoder(NET);
                out.write(encoder.encode(new NetworkMessage("version", new byte[102])));
                out.write(encoder.encode(new NetworkMessage("ping", new byte[8])));
                out.flush();
                outcome = awaitPong(wallet.getInputStream()) ? Outcome.PONG : Outcome.ENDED;
            } catch (SocketTimeoutException e) {
                outcome = Outcome.WALLET_TIMEOUT;
            } catch (SocketException e) {
                outcome = Outcome.ENDED; // reset by the bridge
            } catch (IOException | RuntimeException e) {
                outcome = Outcome.FAILED;
                notes[i] = ": " + e;
            }
            nanos[i] = System.nanoTime() - start;
            outcomes[i] = outcome;
        }

        /** True when a pong arrived, false when the stream ended first. */
        private static boolean awaitPong(InputStream in) throws IOException {
            V1FrameDecoder decoder = new V1FrameDecoder(NET);
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return false;
                }
                ByteBuffer src = ByteBuffer.wrap(buffer, 0, n);
                NetworkMessage message;
                while ((message = decoder.decode(src)) != null) {
                    if (message.command().equals("pong")) {
                        return true;
                    }
                }
            }
        }
    }
}

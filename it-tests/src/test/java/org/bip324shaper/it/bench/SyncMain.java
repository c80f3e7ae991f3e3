package org.bip324shaper.it.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.core.BlockChain;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.PeerAddress;
import org.bitcoinj.core.PeerGroup;
import org.bitcoinj.core.listeners.DownloadProgressTracker;
import org.bitcoinj.params.RegTestParams;
import org.bitcoinj.store.MemoryBlockStore;
import org.bitcoinj.wallet.Wallet;

/**
 * The benchmark's wallet JVM: an unmodified bitcoinj 0.17.1 SPV wallet that connects to one regtest peer and
 * downloads its chain, started cold with or without the agent. It prints, in milliseconds:
 * <pre>
 * START &lt;ms since the JVM started&gt;          when PeerGroup.start() is called
 * CONNECTED &lt;ms since START&gt;               the first peer finished the version handshake
 * SYNCED &lt;height&gt; &lt;ms since CONNECTED&gt;     the chain download completed
 * CPU &lt;ms&gt;                                 CPU time of this JVM from START to SYNCED
 * THREADCPU &lt;ms&gt; &lt;thread name, digits as N&gt; CPU time of each live thread group since it started
 * </pre>
 * Arguments: {@code <port> [timeout seconds]}.
 */
public final class SyncMain {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private SyncMain() {
    }

    private static long processCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /**
     * Where the CPU went, per thread group (digits as N): a coarse profile that needs no profiler. On Linux from
     * {@code /proc/self/task}, which also shows the JIT compiler and GC threads that {@code ThreadMXBean} hides;
     * else the Java threads alone.
     */
    private static void printThreadCpu() {
        java.util.Map<String, Long> byGroup = new java.util.TreeMap<>();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        long ticksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
        try (java.util.stream.Stream<java.nio.file.Path> ids = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) ids::iterator) {
                String stat = java.nio.file.Files.readString(task.resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                byGroup.merge(stat.substring(open + 1, close).replaceAll("\\d+", "N"),
                        ticks * 1000 / ticksPerSecond, Long::sum);
            }
        } catch (java.io.IOException | RuntimeException e) {
            byGroup.clear();
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (long id : threads.getAllThreadIds()) {
                java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
                long nanos = threads.getThreadCpuTime(id);
                if (info != null && nanos > 0) {
                    byGroup.merge(info.getThreadName().replaceAll("\\d+", "N"), nanos / 1_000_000, Long::sum);
                }
            }
        }
        byGroup.forEach((name, ms) -> OUT.println("THREADCPU " + ms + " " + name));
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long timeoutSeconds = args.length > 1 ? Long.parseLong(args[1]) : 600;
        Context.propagate(new Context());
        BitcoinNetwork network = BitcoinNetwork.REGTEST;
        Wallet wallet = Wallet.createDeterministic(network, ScriptType.P2WPKH);
        BlockChain chain = new BlockChain(network, wallet,
                new MemoryBlockStore(RegTestParams.get().getGenesisBlock()));
        PeerGroup peers = new PeerGroup(network, chain);
        peers.setUseLocalhostPeerWhenPossible(false);
        peers.addWallet(wallet);
        peers.addAddress(PeerAddress.simple(InetAddress.getLoopbackAddress(), port));
        peers.setMaxConnections(1);
        CompletableFuture<Long> connected = new CompletableFuture<>();
        peers.addConnectedEventListener((peer, count) -> connected.complete(System.nanoTime()));
        DownloadProgressTracker download = new DownloadProgressTracker();
        peers.startBlockChainDownload(download);
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        OUT.println("START " + (System.currentTimeMillis() - jvmStart));
        long start = System.nanoTime();
        long cpuAtStart = processCpuMillis();
        peers.start();
        long connectedAt = connected.get(timeoutSeconds, TimeUnit.SECONDS);
        OUT.println("CONNECTED " + TimeUnit.NANOSECONDS.toMicros(connectedAt - start) / 1000.0);
        download.getFuture().get(timeoutSeconds, TimeUnit.SECONDS);
        long synced = System.nanoTime();
        OUT.println("SYNCED " + chain.getBestChainHeight() + " " + TimeUnit.NANOSECONDS.toMillis(synced - connectedAt));
        OUT.println("CPU " + (processCpuMillis() - cpuAtStart));
        printThreadCpu();
        peers.stop();
        System.exit(0);
    }
}

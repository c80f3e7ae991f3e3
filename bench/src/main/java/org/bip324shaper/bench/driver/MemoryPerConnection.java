package org.bip324shaper.bench.driver;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.AsyncShapedProtocol;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Heap and threads per idle connection for each driver: opens N loopback connections (both ends in this JVM, so 2N
 * endpoints) after the handshake, measures used heap after GC and live threads, and divides by the endpoints. Async
 * endpoints keep a read pending, as an application waiting for messages would; blocking endpoints have only the
 * driver's own thread (an application would add a reader thread per connection). Plain sockets and channels are the
 * baseline the drivers' figures include.
 *
 * <pre>java -XX:+UseSerialGC -cp bench/target/benchmarks.jar org.bip324shaper.bench.driver.MemoryPerConnection 200 disabled</pre>
 *
 * Arguments: connections (default 200), shaping {@code disabled} or {@code random} (default disabled).
 */
public final class MemoryPerConnection {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private MemoryPerConnection() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        boolean random = args.length > 1 && args[1].equalsIgnoreCase("random");
        TrafficConfig config = random
                ? TrafficConfig.builder().padding(PaddingStrategy.RANDOM).decoys(DecoyStrategy.RANDOM).build()
                : TrafficConfig.DEFAULT;
        System.out.printf(Locale.ROOT, "%d idle connections (%d endpoints), shaping %s, %s%n", n, 2 * n,
                random ? "RANDOM/RANDOM" : "DISABLED", Runtime.version());
        System.out.printf(Locale.ROOT, "%-22s %14s %16s%n", "transport", "heap/endpoint", "threads/endpoint");
        AsynchronousChannelGroup group = LoopbackLinks.newGroup(2);
        // warm up class loading, the shared timer and the channel group, so they are not charged to connections
        for (String kind : List.of("plain-socket", "plain-channel", "blocking-driver", "async-driver")) {
            close(open(kind, 2, config, group));
        }
        for (String kind : List.of("plain-socket", "plain-channel", "blocking-driver", "async-driver")) {
            long heapBefore = usedHeapAfterGc();
            int threadsBefore = Thread.activeCount();
            List<AutoCloseable> open = open(kind, n, config, group);
            long heapAfter = usedHeapAfterGc();
            int threadsAfter = Thread.activeCount();
            System.out.printf(Locale.ROOT, "%-22s %11.1f KiB %16.2f%n", kind,
                    (heapAfter - heapBefore) / 1024.0 / (2 * n), (threadsAfter - threadsBefore) / (2.0 * n));
            close(open);
        }
        group.shutdownNow();
    }

    private static List<AutoCloseable> open(String kind, int n, TrafficConfig config, AsynchronousChannelGroup group)
            throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case "plain-socket" -> {
                    Socket[] pair = LoopbackLinks.plainPair();
                    open.add(pair[0]);
                    open.add(pair[1]);
                }
                case "plain-channel" -> {
                    AsynchronousSocketChannel[] pair = LoopbackLinks.plainAsyncPair(group);
                    open.add(pair[0]);
                    open.add(pair[1]);
                }
                case "blocking-driver" -> {
                    ShapedProtocol[] pair = LoopbackLinks.blockingPair(config);
                    open.add(pair[0]);
                    open.add(pair[1]);
                }
                case "async-driver" -> {
                    AsyncShapedProtocol[] pair = LoopbackLinks.asyncPair(group, config);
                    for (AsyncShapedProtocol p : pair) {
                        p.read(); // idle, but waiting for a message
                        open.add(p);
                    }
                }
                default -> throw new IllegalArgumentException(kind);
            }
        }
        return open;
    }

    private static void close(List<AutoCloseable> open) throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

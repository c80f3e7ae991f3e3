package org.bip324shaper.bench.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.AsyncShapedProtocol;
import org.bip324shaper.driver.ShapedProtocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One-way throughput of 1 MiB messages over loopback, shaping DISABLED: a plain socket copying the same bytes, the
 * blocking driver and the async driver, in one run so their ratio means something. One op = one 1 MiB message handed
 * to the transport; a receiver thread (or, for async, a read callback chain) drains the other end, so in steady state
 * the rate is end to end. Score x 1 MiB = bytes per second. {@code engine} is the ceiling without I/O: one thread
 * encrypts a message with one engine and decrypts it with its peer, so the drivers' share of the cost shows.
 *
 * <pre>java -jar bench/target/benchmarks.jar DriverThroughputBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DriverThroughputBenchmark {
    static final int MESSAGE = 1 << 20;
    /** Async writes in flight: enough to keep the channel busy while the next message is encrypted. */
    static final int ASYNC_WINDOW = 2;

    @Param({"plain", "engine", "blocking", "async"})
    public String transport;

    private final byte[] payload = new byte[MESSAGE];
    private NetworkMessage message;
    private final AtomicLong received = new AtomicLong();

    private Socket[] plain;
    private OutputStream plainOut;
    private ShapedProtocol[] blocking;
    private AsynchronousChannelGroup group;
    private AsyncShapedProtocol[] async;
    private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    private ShapedEngine[] engines;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        new java.util.Random(1).nextBytes(payload);
        message = new NetworkMessage("block", payload);
        switch (transport) {
            case "plain" -> {
                plain = LoopbackLinks.plainPair();
                plainOut = plain[0].getOutputStream();
                InputStream in = plain[1].getInputStream();
                LoopbackLinks.daemon("bench-plain-sink", () -> {
                    byte[] buf = new byte[64 * 1024];
                    try {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            received.addAndGet(n);
                        }
                    } catch (IOException closed) {
                        // teardown
                    }
                });
            }
            case "engine" -> engines = enginePair();
            case "blocking" -> {
                blocking = LoopbackLinks.blockingPair(TrafficConfig.DEFAULT);
                ShapedProtocol sink = blocking[1];
                LoopbackLinks.daemon("bench-blocking-sink", () -> {
                    try {
                        while (true) {
                            received.addAndGet(sink.read().payloadLength());
                        }
                    } catch (IOException closed) {
                        // teardown
                    }
                });
            }
            case "async" -> {
                group = LoopbackLinks.newGroup(2);
                async = LoopbackLinks.asyncPair(group, TrafficConfig.DEFAULT);
                readForever(async[1]);
            }
            default -> throw new IllegalArgumentException(transport);
        }
    }

    /** Two engines after an in-memory handshake. */
    private static ShapedEngine[] enginePair() throws Bip324Exception {
        ShapedEngine i = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).build();
        ShapedEngine r = ShapedEngine.builder(Role.RESPONDER, Network.REGTEST).build();
        while (!i.isEstablished() || !r.isEstablished()) {
            byte[] w;
            while ((w = i.pollWrite()) != null) {
                r.receive(ByteBuffer.wrap(w));
            }
            while ((w = r.pollWrite()) != null) {
                i.receive(ByteBuffer.wrap(w));
            }
        }
        return new ShapedEngine[] {i, r};
    }

    /** The async sink: each read's callback asks for the next (the driver queues it; no recursion). */
    private void readForever(AsyncShapedProtocol sink) {
        sink.read().whenComplete((m, e) -> {
            if (e == null) {
                received.addAndGet(m.payloadLength());
                readForever(sink);
            }
        });
    }

    @Benchmark
    public void send1MiB() throws Exception {
        switch (transport) {
            case "plain" -> plainOut.write(payload);
            case "engine" -> {
                engines[0].send(message);
                ByteBuffer wire = ByteBuffer.wrap(engines[0].pollWrite());
                NetworkMessage m = null;
                while (m == null) {
                    engines[1].receive(wire);
                    m = engines[1].pollMessage();
                }
                received.addAndGet(m.payloadLength());
            }
            case "blocking" -> blocking[0].write(message);
            default -> {
                inFlight.add(async[0].write(message));
                if (inFlight.size() >= ASYNC_WINDOW) {
                    inFlight.poll().get();
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (engines != null) {
            engines[0].close();
            engines[1].close();
        }
        LoopbackLinks.closeBoth(plain);
        LoopbackLinks.closeBoth(blocking);
        LoopbackLinks.closeBoth(async);
        if (group != null) {
            group.shutdownNow();
        }
    }
}

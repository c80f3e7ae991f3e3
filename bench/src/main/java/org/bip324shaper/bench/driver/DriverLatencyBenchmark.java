package org.bip324shaper.bench.driver;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;
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
 * Round trip of a 64-byte message over loopback (ping-pong with an echoing peer of the same kind), shaping DISABLED:
 * plain sockets, the blocking driver, the async driver. Read p0.50 of each: the added latency is the driver's.
 *
 * <pre>java -jar bench/target/benchmarks.jar DriverLatencyBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DriverLatencyBenchmark {
    static final int SIZE = 64;

    /** {@code plain-async}: the same ping-pong over bare NIO.2 channels, the async driver's own baseline. */
    @Param({"plain", "plain-async", "blocking", "async"})
    public String transport;

    private final byte[] bytes = new byte[SIZE];
    private final NetworkMessage ping = new NetworkMessage("ping", new byte[SIZE]);

    private Socket[] plain;
    private OutputStream plainOut;
    private DataInputStream plainIn;
    private ShapedProtocol[] blocking;
    private AsynchronousChannelGroup group;
    private AsyncShapedProtocol[] async;
    private AsynchronousSocketChannel[] plainAsync;
    private final ByteBuffer plainAsyncBuffer = ByteBuffer.allocate(SIZE);

    @Setup(Level.Trial)
    public void connect() throws Exception {
        switch (transport) {
            case "plain" -> {
                plain = LoopbackLinks.plainPair();
                plainOut = plain[0].getOutputStream();
                plainIn = new DataInputStream(plain[0].getInputStream());
                InputStream echoIn = plain[1].getInputStream();
                OutputStream echoOut = plain[1].getOutputStream();
                LoopbackLinks.daemon("bench-plain-echo", () -> {
                    byte[] buf = new byte[SIZE];
                    try {
                        DataInputStream in = new DataInputStream(echoIn);
                        while (true) {
                            in.readFully(buf);
                            echoOut.write(buf);
                        }
                    } catch (IOException closed) {
                        // teardown
                    }
                });
            }
            case "blocking" -> {
                blocking = LoopbackLinks.blockingPair(TrafficConfig.DEFAULT);
                ShapedProtocol echo = blocking[1];
                LoopbackLinks.daemon("bench-blocking-echo", () -> {
                    try {
                        while (true) {
                            echo.write(echo.read());
                        }
                    } catch (IOException closed) {
                        // teardown
                    }
                });
            }
            case "plain-async" -> {
                group = LoopbackLinks.newGroup(2);
                plainAsync = LoopbackLinks.plainAsyncPair(group);
                plainAsync[0].setOption(StandardSocketOptions.TCP_NODELAY, true);
                plainAsync[1].setOption(StandardSocketOptions.TCP_NODELAY, true);
                echoForever(plainAsync[1], ByteBuffer.allocate(SIZE));
            }
            case "async" -> {
                group = LoopbackLinks.newGroup(2);
                async = LoopbackLinks.asyncPair(group, TrafficConfig.DEFAULT);
                echoForever(async[1]);
            }
            default -> throw new IllegalArgumentException(transport);
        }
    }

    private static void echoForever(AsyncShapedProtocol echo) {
        echo.read().whenComplete((m, e) -> {
            if (e == null) {
                echo.write(m);
                echoForever(echo);
            }
        });
    }

    /** Reads SIZE bytes, writes them back, again; partial reads and writes continue the same buffer. */
    private static void echoForever(AsynchronousSocketChannel ch, ByteBuffer buf) {
        ch.read(buf, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    return;
                }
                if (buf.hasRemaining()) {
                    ch.read(buf, null, this);
                    return;
                }
                buf.flip();
                CompletionHandler<Integer, Void> reader = this;
                ch.write(buf, null, new CompletionHandler<Integer, Void>() {
                    @Override
                    public void completed(Integer w, Void b) {
                        if (buf.hasRemaining()) {
                            ch.write(buf, null, this);
                        } else {
                            buf.clear();
                            ch.read(buf, null, reader);
                        }
                    }

                    @Override
                    public void failed(Throwable e, Void b) {
                    }
                });
            }

            @Override
            public void failed(Throwable e, Void a) {
            }
        });
    }

    @Benchmark
    public Object roundTrip() throws Exception {
        switch (transport) {
            case "plain" -> {
                plainOut.write(bytes);
                plainIn.readFully(bytes);
                return bytes;
            }
            case "blocking" -> {
                blocking[0].write(ping);
                return blocking[0].read();
            }
            case "plain-async" -> {
                ByteBuffer buf = plainAsyncBuffer.clear();
                while (buf.hasRemaining()) {
                    plainAsync[0].write(buf).get();
                }
                buf.clear();
                while (buf.hasRemaining()) {
                    plainAsync[0].read(buf).get();
                }
                return buf;
            }
            default -> {
                var reply = async[0].read();
                async[0].write(ping);
                return reply.get();
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        LoopbackLinks.closeBoth(plain);
        LoopbackLinks.closeBoth(blocking);
        LoopbackLinks.closeBoth(async);
        LoopbackLinks.closeBoth(plainAsync);
        if (group != null) {
            group.shutdownNow();
        }
    }
}

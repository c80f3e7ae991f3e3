package org.bip324shaper.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Real loopback connections between drivers of either kind, on 127.0.0.1 port 0. Owns a small channel group and a
 * pool for blocking handshakes; {@link #close()} ends both, so tests can check that no thread is left. A test class
 * shares one through {@code @RegisterExtension static final Loopback loopback = Loopback.perTestClass();}, which
 * closes it after the class's last test.
 */
final class Loopback implements AutoCloseable, AfterAllCallback {
    static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    enum Kind { BLOCKING, ASYNC }

    record Pair(Endpoint initiator, Endpoint responder) implements AutoCloseable {
        /**
         * Closes both ends at once, as two real peers do: a graceful close lingers until the other end closes too
         * (so that no reset can destroy its last bytes), so closing one after the other would wait out the linger.
         */
        @Override
        public void close() throws IOException {
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> closeQuietly(responder));
            try {
                initiator.close();
            } finally {
                other.join();
            }
        }
    }

    final AsynchronousChannelGroup group;
    final ExecutorService pool;

    Loopback() throws IOException {
        group = AsynchronousChannelGroup.withFixedThreadPool(2, named("test-aio-"));
        pool = Executors.newCachedThreadPool(named("test-io-"));
    }

    /** One loopback for a whole test class; as a registered extension it is closed after the class's last test. */
    static Loopback perTestClass() {
        try {
            return new Loopback();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every (initiator kind, responder kind) pairing, as parameterized-test arguments. */
    static Stream<Arguments> pairings() {
        return Stream.of(Kind.values())
                .flatMap(initiator -> Stream.of(Kind.values()).map(responder -> Arguments.of(initiator, responder)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static ConnectionOptions options(Role role, TrafficConfig config) {
        return ConnectionOptions.of(role, Network.REGTEST).config(config);
    }

    /** Connects an initiator of one kind to a responder of another and runs both handshakes. */
    Pair connect(Kind initiatorKind, Kind responderKind, TrafficConfig config) throws Exception {
        return connect(initiatorKind, responderKind, options(Role.INITIATOR, config),
                options(Role.RESPONDER, config));
    }

    Pair connect(Kind initiatorKind, Kind responderKind, ConnectionOptions initiatorOptions,
                 ConnectionOptions responderOptions) throws Exception {
        CompletableFuture<Endpoint> responder;
        InetSocketAddress address;
        if (responderKind == Kind.BLOCKING) {
            ServerSocket server = new ServerSocket(0, 1, LOCALHOST);
            address = (InetSocketAddress) server.getLocalSocketAddress();
            responder = CompletableFuture.supplyAsync(() -> {
                try (server) {
                    return Endpoint.of(ShapedProtocol.over(server.accept(), responderOptions));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, pool);
        } else {
            AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group)
                    .bind(new InetSocketAddress(LOCALHOST, 0), 1);
            address = (InetSocketAddress) server.getLocalAddress();
            responder = new CompletableFuture<>();
            server.accept(null, new java.nio.channels.CompletionHandler<AsynchronousSocketChannel, Void>() {
                @Override
                public void completed(AsynchronousSocketChannel ch, Void a) {
                    closeQuietly(server);
                    AsyncShapedProtocol.handshake(ch, responderOptions).whenComplete((p, e) -> {
                        if (e != null) {
                            responder.completeExceptionally(e);
                        } else {
                            responder.complete(Endpoint.of(p));
                        }
                    });
                }

                @Override
                public void failed(Throwable e, Void a) {
                    closeQuietly(server);
                    responder.completeExceptionally(e);
                }
            });
        }
        Endpoint initiator;
        if (initiatorKind == Kind.BLOCKING) {
            initiator = Endpoint.of(ShapedProtocol.over(new Socket(address.getAddress(), address.getPort()),
                    initiatorOptions));
        } else {
            AsynchronousSocketChannel ch = AsynchronousSocketChannel.open(group);
            ch.connect(address).get(10, TimeUnit.SECONDS);
            initiator = Endpoint.of(AsyncShapedProtocol.handshake(ch, initiatorOptions).get(10, TimeUnit.SECONDS));
        }
        return new Pair(initiator, responder.get(10, TimeUnit.SECONDS));
    }

    /** A connected async channel to {@code address}, in this loopback's group. */
    AsynchronousSocketChannel openAsync(InetSocketAddress address) throws Exception {
        AsynchronousSocketChannel ch = AsynchronousSocketChannel.open(group);
        ch.connect(address).get(10, TimeUnit.SECONDS);
        return ch;
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // test cleanup
        }
    }

    @Override
    public void close() throws IOException {
        pool.shutdownNow();
        group.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
            group.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

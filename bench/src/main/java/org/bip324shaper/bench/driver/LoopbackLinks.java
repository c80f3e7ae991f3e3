package org.bip324shaper.bench.driver;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.AsyncShapedProtocol;
import org.bip324shaper.driver.ConnectionOptions;
import org.bip324shaper.driver.ShapedProtocol;

/** Connected loopback pairs for the driver benchmarks: plain sockets, blocking drivers, async drivers. */
final class LoopbackLinks {
    static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    private LoopbackLinks() {
    }

    /** A connected pair of plain sockets, {@code [client, server]}, with TCP_NODELAY like the drivers set. */
    static Socket[] plainPair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, LOCALHOST)) {
            Socket client = new Socket(LOCALHOST, server.getLocalPort());
            Socket accepted = server.accept();
            client.setTcpNoDelay(true);
            accepted.setTcpNoDelay(true);
            return new Socket[] {client, accepted};
        }
    }

    /** A connected pair of plain async channels, {@code [client, server]}. */
    static AsynchronousSocketChannel[] plainAsyncPair(AsynchronousChannelGroup group) throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group)
                .bind(new InetSocketAddress(LOCALHOST, 0), 1)) {
            var accepted = server.accept();
            AsynchronousSocketChannel client = AsynchronousSocketChannel.open(group);
            client.connect(server.getLocalAddress()).get(10, TimeUnit.SECONDS);
            return new AsynchronousSocketChannel[] {client, accepted.get(10, TimeUnit.SECONDS)};
        }
    }

    /** Blocking drivers, {@code [initiator, responder]}, after the handshake. */
    static ShapedProtocol[] blockingPair(TrafficConfig config) throws Exception {
        Socket[] sockets = plainPair();
        CompletableFuture<ShapedProtocol> responder = CompletableFuture.supplyAsync(() -> {
            try {
                return ShapedProtocol.over(sockets[1], options(Role.RESPONDER, config));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> new Thread(r, "bench-handshake").start());
        ShapedProtocol initiator = ShapedProtocol.over(sockets[0], options(Role.INITIATOR, config));
        return new ShapedProtocol[] {initiator, responder.get(10, TimeUnit.SECONDS)};
    }

    /** Async drivers, {@code [initiator, responder]}, after the handshake. */
    static AsyncShapedProtocol[] asyncPair(AsynchronousChannelGroup group, TrafficConfig config) throws Exception {
        AsynchronousSocketChannel[] channels = plainAsyncPair(group);
        var initiator = AsyncShapedProtocol.handshake(channels[0], options(Role.INITIATOR, config));
        var responder = AsyncShapedProtocol.handshake(channels[1], options(Role.RESPONDER, config));
        return new AsyncShapedProtocol[] {get(initiator), get(responder)};
    }

    static ConnectionOptions options(Role role, TrafficConfig config) {
        return ConnectionOptions.of(role, Network.REGTEST).config(config);
    }

    static AsynchronousChannelGroup newGroup(int threads) throws IOException {
        AtomicInteger ids = new AtomicInteger();
        return AsynchronousChannelGroup.withFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-aio-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static <T> T get(CompletableFuture<T> f) throws IOException, InterruptedException, TimeoutException {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** Closes both ends of a pair made here, if it was made (a trial sets up only its own transport). */
    static void closeBoth(AutoCloseable[] pair) throws Exception {
        if (pair != null) {
            pair[0].close();
            pair[1].close();
        }
    }

    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}

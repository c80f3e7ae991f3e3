package org.bip324shaper.agent.testing;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server for tests: one daemon thread per accepted socket runs the handler; the server counts
 * connections and which of them have ended, and closes every socket it still holds on {@link #close()}.
 *
 * <p>A handler's {@link IOException} is a connection ending (the other side went away, or a peer under test failed)
 * and is kept in {@link #failures()}. Anything else a handler throws (an assertion, a runtime exception, an
 * interrupt) is a bug in the test's peer: {@link #close()} fails with it, so it cannot pass unnoticed.
 */
public final class LoopbackServer implements Closeable {

    /** Serves one accepted socket; the server closes it when this returns. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket socket) throws Exception;
    }

    private static final AtomicInteger IDS = new AtomicInteger();

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    public LoopbackServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(socket);
                accepted.incrementAndGet();
                Thread worker = new Thread(() -> {
                    try (socket) {
                        handler.serve(socket);
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        finished.incrementAndGet();
                    }
                }, "test-server-conn-" + IDS.incrementAndGet());
                worker.setDaemon(true);
                worker.start();
            }
        }, "test-server-accept-" + IDS.incrementAndGet());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** What the handlers threw (a peer going away usually shows up here as an IOException). */
    public List<Throwable> failures() {
        return failures;
    }

    /** Waits (bounded) until every accepted connection's handler has returned, i.e. its socket is closed. */
    public boolean awaitAllFinished(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (finished.get() < accepted.get()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Waits (bounded) for the {@code n}th connection. */
    public boolean awaitAccepted(int n, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (accepted.get() < n) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** What the handlers threw that is not an {@link IOException}: bugs in the test's peer. */
    public List<Throwable> unexpectedFailures() {
        return failures.stream().filter(t -> !(t instanceof IOException)).toList();
    }

    /**
     * Stops accepting and closes every socket.
     *
     * @throws AssertionError if a handler threw anything but an {@link IOException} (the first is the cause, the
     *                        others are suppressed)
     */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        List<Throwable> unexpected = unexpectedFailures();
        if (!unexpected.isEmpty()) {
            AssertionError error = new AssertionError("a test server handler failed: " + unexpected.get(0),
                    unexpected.get(0));
            unexpected.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }
}

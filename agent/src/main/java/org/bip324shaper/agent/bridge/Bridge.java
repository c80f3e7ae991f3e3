package org.bip324shaper.agent.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;

/**
 * The in-JVM end of redirected connects: a loopback listener (opened on first use) that accepts each redirected
 * wallet socket, pairs it with the peer the wallet asked for, and hands it to a {@link BridgedConnection} that
 * opens the upstream through the {@link UpstreamConnector} and pumps messages, on a bounded pool of reused threads.
 */
public final class Bridge implements Closeable {

    static final Duration DEFAULT_PAIRING_TTL = Duration.ofSeconds(10);
    /**
     * The bridge's threads, shared by all its connections: two per open connection (one blocking read each way),
     * reused, and idle ones end after {@link #IDLE_THREAD_SECONDS}. A wallet keeps about a dozen peers; a
     * connection beyond this bound is refused and logged rather than given new threads.
     */
    public static final int MAX_THREADS = 128;
    private static final long IDLE_THREAD_SECONDS = 30;

    private final UpstreamConnector connector;
    private final PeerDialer dialer;
    private final AgentLog log;
    private final ConnectionEvents events;
    private final PendingPairings pairings;
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile ServerSocket listener;
    private volatile ThreadPoolExecutor pool;
    private volatile ScheduledThreadPoolExecutor timer;
    private final Set<Normalization> normalize;
    private final ParkedLinks parked = new ParkedLinks();
    private volatile boolean closed;

    /** A bridge whose connection events become log lines only, without normalization. */
    public Bridge(UpstreamConnector connector, PeerDialer dialer, AgentLog log) {
        this(connector, dialer, log, Normalization.none());
    }

    /** A bridge whose connection events become log lines only. */
    public Bridge(UpstreamConnector connector, PeerDialer dialer, AgentLog log, Set<Normalization> normalize) {
        this(connector, dialer, log, new ConnectionLogLines(log), normalize);
    }

    /** A bridge that normalizes the wallet's traffic as {@code normalize} says ({@link UpstreamLink}). */
    public Bridge(UpstreamConnector connector, PeerDialer dialer, AgentLog log, ConnectionEvents events,
                  Set<Normalization> normalize) {
        this(connector, dialer, log, events, DEFAULT_PAIRING_TTL, new LongSupplier() { // no lambda bootstrap in premain
            @Override
            public long getAsLong() {
                return System.nanoTime();
            }
        }, normalize);
    }

    Bridge(UpstreamConnector connector, PeerDialer dialer, AgentLog log, Duration pairingTtl, LongSupplier nanoClock) {
        this(connector, dialer, log, new ConnectionLogLines(log), pairingTtl, nanoClock, Normalization.none());
    }

    private Bridge(UpstreamConnector connector, PeerDialer dialer, AgentLog log, ConnectionEvents events,
                   Duration pairingTtl, LongSupplier nanoClock, Set<Normalization> normalize) {
        this.normalize = Objects.requireNonNull(normalize, "normalize");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.log = Objects.requireNonNull(log, "log");
        this.events = Objects.requireNonNull(events, "events");
        this.pairings = new PendingPairings(pairingTtl, nanoClock);
    }

    /** A redirected connect, registered: connect the wallet socket to {@code bridgeAddress}. */
    public record Expected(long connectionId, InetSocketAddress bridgeAddress) {
    }

    /**
     * Registers a wallet socket that is about to connect to the bridge instead of {@code peer}; starts the
     * listener on first use.
     *
     * @param walletLocal the wallet socket's local address, already bound (the port identifies it)
     */
    public Expected expect(InetSocketAddress walletLocal, InetSocketAddress peer) throws IOException {
        if (peer.isUnresolved()) {
            throw new IllegalArgumentException("peer must be resolved");
        }
        if (walletLocal.getPort() <= 0) {
            throw new IllegalArgumentException("wallet socket must be bound to a port");
        }
        InetSocketAddress address = start();
        long id = connectionIds.incrementAndGet();
        pairings.expect(id, walletLocal, peer);
        return new Expected(id, address);
    }

    /** Forgets a registration whose connect failed, so its port cannot be claimed later. */
    public void cancel(Expected expected, int walletPort) {
        pairings.cancel(walletPort, expected.connectionId());
    }

    /** The listening address, once started. */
    public Optional<InetSocketAddress> address() {
        ServerSocket current = listener;
        return current == null ? Optional.empty()
                : Optional.of((InetSocketAddress) current.getLocalSocketAddress());
    }

    /** Whether connecting to {@code address} would reach this bridge (such connects must never be redirected). */
    public boolean isBridgeAddress(InetSocketAddress address) {
        ServerSocket current = listener;
        if (current == null || address.getAddress() == null || address.getPort() != current.getLocalPort()) {
            return false;
        }
        InetAddress host = address.getAddress();
        return host.isLoopbackAddress() || host.isAnyLocalAddress();
    }

    /** Redirected connects registered but not yet accepted (diagnostics). */
    public int pendingPairings() {
        return pairings.size();
    }

    /** Starts listening if not yet; idempotent. */
    public synchronized InetSocketAddress start() throws IOException {
        if (closed) {
            throw new IOException("bridge closed");
        }
        if (listener == null) {
            pool = newPool();
            // its one thread starts with the first task: only normalization schedules any
            timer = new ScheduledThreadPoolExecutor(1, new ThreadFactory() {
                @Override
                public Thread newThread(Runnable task) {
                    Thread t = new Thread(task, "bip324-bridge-timer");
                    t.setDaemon(true);
                    return t;
                }
            });
            timer.setRemoveOnCancelPolicy(true);
            ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            listener = server;
            Thread acceptor = new Thread(() -> acceptLoop(server), "bip324-bridge-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            log.debug("bridge listening on " + LogFormat.address(server.getLocalSocketAddress()));
        }
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private void acceptLoop(ServerSocket server) {
        while (!closed) {
            Socket accepted;
            try {
                accepted = server.accept();
            } catch (IOException e) {
                if (closed || server.isClosed()) {
                    return;
                }
                log.warn("bridge accept failed: " + e);
                pauseAfterAcceptFailure();
                continue;
            }
            InetSocketAddress from = (InetSocketAddress) accepted.getRemoteSocketAddress();
            Optional<PendingPairings.Pairing> pairing = pairings.claim(from);
            if (pairing.isEmpty()) {
                log.warn("refused a bridge connection from " + LogFormat.address(from)
                        + ": no redirected connect of this JVM is waiting on that port");
                closeQuietly(accepted);
                continue;
            }
            new BridgedConnection(pairing.get().connectionId(), accepted, pairing.get().peer(), connector, dialer,
                    log, events, pool, normalize, parked, timer).start();
        }
    }

    private static ThreadPoolExecutor newPool() {
        AtomicLong threadIds = new AtomicLong();
        return new ThreadPoolExecutor(0, MAX_THREADS, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new ThreadFactory() {
                    @Override
                    public Thread newThread(Runnable task) {
                        Thread t = new Thread(task, "bip324-bridge-" + threadIds.incrementAndGet());
                        t.setDaemon(true); // never keeps the wallet's JVM alive
                        return t;
                    }
                });
    }

    /** Threads of the bridge's pool now alive (busy or idle), for tests and diagnostics. */
    int poolThreads() {
        ThreadPoolExecutor current = pool;
        return current == null ? 0 : current.getPoolSize();
    }

    /** Threads of the bridge's pool now running a connection's task (diagnostics; leak checks in tests). */
    public int busyThreads() {
        ThreadPoolExecutor current = pool;
        return current == null ? 0 : current.getActiveCount();
    }

    private static void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(100); // e.g. out of file descriptors: don't spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing more to do for a socket we are abandoning
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        ServerSocket current = listener;
        if (current != null) {
            closeQuietly(current);
        }
        ThreadPoolExecutor threads = pool;
        if (threads != null) {
            threads.shutdown(); // open connections run to their end; no new ones
        }
        ScheduledThreadPoolExecutor clock = timer;
        if (clock != null) {
            clock.shutdown();
        }
    }

    /** Distinguishes "socket closed under us" from real failures in pumps. */
    static boolean isClosedSocket(IOException e) {
        return e instanceof SocketException;
    }
}

package org.bip324shaper.agent.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.agent.bridge.PeerDialer;
import org.bip324shaper.agent.bridge.Relays;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;

/**
 * {@code java -jar bip324-agent.jar proxy}: a local SOCKS5 server (RFC 1928, CONNECT only, no authentication)
 * that gives any v1 client with SOCKS support BIP-324. Each accepted connection is negotiated here and then relayed
 * exactly as the agent relays a redirected wallet connect ({@link Relays#bridged}): the client's first bytes name
 * the network, the {@link UpstreamConnector} speaks v2 with shaping to the peer (v1 fallback included), and the
 * same events and log lines come out.
 *
 * <p>The success reply goes out before the peer is dialed: the v2 handshake needs the network, which only the
 * client's first message (sent after the reply) reveals. A peer that cannot be reached therefore shows up to the
 * client as a connection closed right after its version message, and in the log as a failed upstream.
 */
public final class Socks5Proxy implements Closeable {

    /** A client must finish the SOCKS5 negotiation within this time. */
    static final int NEGOTIATION_TIMEOUT_MILLIS = 10_000;
    /** More concurrent clients than any local node opens; beyond it new ones are closed at once. */
    static final int MAX_CONNECTIONS = 512;
    static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ServerSocket listener;
    private final UpstreamConnector connector;
    private final PeerDialer dialer;
    private final boolean resolveLocally;
    private final AgentLog log;
    private final ConnectionEvents events;
    private final AtomicLong ids = new AtomicLong();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Thread acceptor;
    private volatile boolean closed;

    private Socks5Proxy(ServerSocket listener, UpstreamConnector connector, Optional<InetSocketAddress> upstreamSocks,
                        AgentLog log, ConnectionEvents events) {
        this.listener = listener;
        this.connector = connector;
        this.dialer = new SocksDialer(upstreamSocks, PEER_CONNECT_TIMEOUT);
        this.resolveLocally = upstreamSocks.isEmpty();
        this.log = log;
        this.events = events;
        this.acceptor = new Thread(this::acceptLoop, "bip324-socks-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code listen} and serves until closed.
     *
     * @param allowRemote  whether a listen address other than loopback is accepted: without authentication, anyone
     *                     who reaches the port could use the proxy
     * @param upstreamSocks a SOCKS5 proxy to dial peers through (names are then resolved there), or empty
     * @throws IllegalArgumentException a non-loopback address without {@code allowRemote}
     */
    public static Socks5Proxy start(InetSocketAddress listen, boolean allowRemote, UpstreamConnector connector,
                                    Optional<InetSocketAddress> upstreamSocks, AgentLog log,
                                    ConnectionEvents events) throws IOException {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(upstreamSocks, "upstreamSocks");
        InetSocketAddress bindTo = listen.isUnresolved()
                ? new InetSocketAddress(listen.getHostString(), listen.getPort()) : listen;
        if (bindTo.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve the listen address " + listen.getHostString());
        }
        if (!bindTo.getAddress().isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException("refusing to listen on " + LogFormat.address(bindTo)
                    + ": not a loopback address, and the proxy has no authentication (add --allow-remote to"
                    + " force it)");
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(bindTo, 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        Socks5Proxy proxy = new Socks5Proxy(server, connector, upstreamSocks, log, events);
        proxy.acceptor.start();
        return proxy;
    }

    /** The address it listens on (with the real port if 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.warn("proxy accept failed: " + e);
                pause();
                continue;
            }
            if (!slots.tryAcquire()) {
                log.warn("proxy: " + MAX_CONNECTIONS + " connections open; refused one from "
                        + LogFormat.address(client.getRemoteSocketAddress()));
                closeQuietly(client);
                continue;
            }
            long id = ids.incrementAndGet();
            Thread worker = new Thread(() -> {
                try {
                    serve(id, client);
                } finally {
                    slots.release();
                }
            }, "bip324-socks-#" + id);
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(long id, Socket client) {
        InetSocketAddress peer;
        try {
            client.setSoTimeout(NEGOTIATION_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            Socks5Request.Destination destination = Socks5Request.negotiate(in, out);
            try {
                peer = peerAddress(destination);
            } catch (IOException e) {
                Socks5Request.reply(out, Socks5Request.HOST_UNREACHABLE);
                throw e;
            }
            Socks5Request.reply(out, Socks5Request.SUCCEEDED);
            client.setSoTimeout(0);
        } catch (IOException | RuntimeException e) {
            log.debug("#" + id + " SOCKS5 negotiation with " + LogFormat.address(client.getRemoteSocketAddress())
                    + " ended: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage()));
            closeQuietly(client);
            return;
        }
        Relays.bridged(id, client, peer, connector, dialer, log, events).run(); // closes the client when done
    }

    /** An IP literal never touches DNS; a name is resolved here, or left to the upstream SOCKS proxy. */
    private InetSocketAddress peerAddress(Socks5Request.Destination destination) throws IOException {
        if (destination.literal()) {
            return new InetSocketAddress(InetAddress.getByName(destination.host()), destination.port());
        }
        if (!resolveLocally) {
            return InetSocketAddress.createUnresolved(destination.host(), destination.port());
        }
        return new InetSocketAddress(InetAddress.getByName(destination.host()), destination.port());
    }

    private static void pause() {
        try {
            Thread.sleep(100); // e.g. out of file descriptors: don't spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // abandoning it anyway
        }
    }

    /** Stops accepting; open connections run until either side ends them. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
    }
}

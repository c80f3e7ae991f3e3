package org.bip324shaper.agent.factory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.bridge.UpstreamRequest;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.intercept.BypassingDialer;
import org.bip324shaper.core.Network;

/**
 * A socket of {@link Bip324SocketFactory}: {@link #connect} opens the upstream session (dial, v2 handshake or v1
 * fallback); its streams carry the user's v1 byte stream, translated by the session. The real TCP socket lives
 * inside the session, so local-address queries report an unbound socket and socket options (e.g.
 * {@code setSoTimeout}) do not reach it; the remote address is the peer. Closing the socket closes the session
 * gracefully (what the user wrote is sent first) and reports the close event once.
 */
final class Bip324Socket extends Socket {

    /** Used when the caller gives no connect timeout. */
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final long id;
    private final Network network;
    private final UpstreamConnector connector;
    private final ConnectionEvents events;
    private final AtomicLong toPeerBytes = new AtomicLong();
    private final AtomicLong fromPeerBytes = new AtomicLong();
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private volatile UpstreamSession session;
    private volatile InetSocketAddress peer;
    private volatile boolean closed;
    private InputStream input;
    private OutputStream output;

    Bip324Socket(long id, Network network, UpstreamConnector connector, ConnectionEvents events) {
        this.id = id;
        this.network = network;
        this.connector = connector;
        this.events = events;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeoutMillis) throws IOException {
        if (!(endpoint instanceof InetSocketAddress address)) {
            throw new IllegalArgumentException("unsupported address type: " + endpoint);
        }
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("connect timeout can't be negative");
        }
        synchronized (this) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (session != null) {
                throw new SocketException("already connected");
            }
        }
        InetSocketAddress target = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        if (target.isUnresolved()) {
            throw new java.net.UnknownHostException(address.getHostString());
        }
        Duration timeout = timeoutMillis == 0 ? DEFAULT_CONNECT_TIMEOUT : Duration.ofMillis(timeoutMillis);
        UpstreamSession opened;
        try {
            opened = connector.open(new UpstreamRequest(id, target, Optional.of(network)),
                    new BypassingDialer(timeout));
        } catch (IOException | RuntimeException e) {
            events.failed(new ConnectionFailure(id, target, ConnectionFailure.Stage.UPSTREAM, describe(e)));
            throw e;
        }
        synchronized (this) {
            if (closed) {
                opened.close();
                throw new SocketException("Socket closed during connect");
            }
            peer = target;
            session = opened;
            input = new CountingInput(V1FrameStreams.fromPeer(opened));
            output = new CountingOutput(V1FrameStreams.toPeer(opened));
        }
        events.opened(new ConnectionOpened(id, target, Optional.of(network), opened.transport(), opened.sessionId(),
                opened.note(), opened::wireStats));
    }

    @Override
    public boolean isConnected() {
        return session != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        requireOpen();
        return input;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        requireOpen();
        return output;
    }

    private void requireOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (session == null) {
            throw new SocketException("Socket is not connected");
        }
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return peer;
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress p = peer;
        return p == null ? null : p.getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress p = peer;
        return p == null ? 0 : p.getPort();
    }

    /** BIP-324 has no half-close: this ends the whole v2 connection (a v1 one half-closes). */
    @Override
    public void shutdownOutput() throws IOException {
        requireOpen();
        output.close();
    }

    @Override
    public void close() throws IOException {
        UpstreamSession current;
        synchronized (this) {
            closed = true;
            current = session;
        }
        if (current == null || !closedOnce.compareAndSet(false, true)) {
            return;
        }
        try {
            current.close();
        } finally {
            events.closed(new ConnectionClosed(id, peer, current.transport(), toPeerBytes.get(),
                    fromPeerBytes.get(), current.wireStats(), current.undelivered()));
        }
    }

    @Override
    public String toString() {
        InetSocketAddress p = peer;
        UpstreamSession s = session;
        return "Bip324Socket[#" + id + (p == null ? ", unconnected" : ", " + p) + (s == null ? "" : ", "
                + s.transport()) + (closed ? ", closed" : "") + "]";
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * Reads the session a frame at a time into a buffer, so {@link #available()} tells the user how much more it
     * can take without blocking (bitcoinj sizes its reads by it; the session itself would say 0).
     */
    private final class CountingInput extends InputStream {
        private final InputStream in;
        private final byte[] buffer = new byte[READ_BUFFER_BYTES];
        private int position;
        private int limit;

        CountingInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    return -1;
                }
                position = 0;
                limit = n;
                fromPeerBytes.addAndGet(n);
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public synchronized int available() {
            return limit - position;
        }

        @Override
        public void close() throws IOException {
            Bip324Socket.this.close();
        }
    }

    /** Serialises writers (the session's frame decoder keeps state) and counts what the user sent. */
    private final class CountingOutput extends OutputStream {
        private final OutputStream out;

        CountingOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            toPeerBytes.addAndGet(len);
        }

        @Override
        public synchronized void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}

package org.bip324shaper.agent.bridge;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.driver.MessageTransport;

/**
 * One wallet connection accepted by the bridge: reads the wallet's network magic (once: the wallet's transport
 * decodes its stream from those bytes on), opens the upstream session (or, with {@link Normalization#RECONNECT},
 * takes over the one this wallet just dropped) and relays whole messages both ways through an {@link UpstreamLink},
 * on two tasks of the bridge's bounded pool: this one reads the wallet, the link's reads the peer. Its open, close
 * and failures are reported as {@link ConnectionEvents} (from which the log lines are formatted).
 *
 * <p>Ending: the wallet's end of stream is passed on ({@link UpstreamSession#walletFinished}: a v2 session closes
 * gracefully, which first puts on the wire everything the wallet sent, bounded by the session's linger; what is
 * left is counted as {@code undelivered}). The peer's end of stream, or bad data from either side, ends both. The
 * close event comes once the link let go of the wallet and before the wallet's socket closes, so it is out by the
 * time the wallet sees the end.
 */
final class BridgedConnection implements Runnable {

    /** The wallet speaks first (its version message); one that stays silent this long is dropped. */
    static final int FIRST_BYTES_TIMEOUT_MILLIS = 30_000;
    private static final int MAGIC_LENGTH = 4;
    private static final int RAW_BUFFER_BYTES = 16 * 1024;

    private final long id;
    private final Socket wallet;
    private final InetSocketAddress peer;
    private final UpstreamConnector connector;
    private final PeerDialer dialer;
    private final AgentLog log;
    private final ConnectionEvents events;
    private final Executor pool;
    private final Set<Normalization> normalize;
    private final ParkedLinks parked;
    private final ScheduledExecutorService timer;
    private volatile UpstreamSession session;

    BridgedConnection(long id, Socket wallet, InetSocketAddress peer, UpstreamConnector connector, PeerDialer dialer,
                      AgentLog log, ConnectionEvents events, Executor pool, Set<Normalization> normalize,
                      ParkedLinks parked, ScheduledExecutorService timer) {
        this.id = id;
        this.wallet = wallet;
        this.peer = peer;
        this.connector = connector;
        this.dialer = dialer;
        this.log = log;
        this.events = events;
        this.pool = pool;
        this.normalize = normalize;
        this.parked = parked;
        this.timer = timer;
    }

    /** Opens and runs the connection on the pool; a full pool refuses it (logged, the wallet's socket closed). */
    void start() {
        if (!submit(this::open)) {
            Bridge.closeQuietly(wallet);
        }
    }

    /** Opens and runs the connection on the calling thread (its peer reads still run on the pool); ends closed. */
    @Override
    public void run() {
        open();
    }

    private boolean submit(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            log.warn(prefix() + "refused: the bridge's " + Bridge.MAX_THREADS + " threads are all busy");
            return false;
        }
    }

    private void open() {
        boolean handedOver = false;
        try {
            handedOver = openSession();
        } catch (IOException | RuntimeException e) {
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.RELAY, describe(e)));
        } finally {
            if (!handedOver) {
                Bridge.closeQuietly(wallet);
            }
        }
    }

    /** Returns whether the connection's tasks now own the wallet's socket. */
    private boolean openSession() throws IOException {
        wallet.setTcpNoDelay(true);
        wallet.setSoTimeout(FIRST_BYTES_TIMEOUT_MILLIS);
        byte[] head = wallet.getInputStream().readNBytes(MAGIC_LENGTH);
        wallet.setSoTimeout(0);
        if (head.length == 0) {
            log.debug(prefix() + "wallet closed before sending anything; peer not dialed");
            return false;
        }
        Optional<Network> network = head.length == MAGIC_LENGTH ? Network.fromMagic(head, 0) : Optional.empty();
        MessageTransport fromWallet = network.isPresent() ? MessageTransport.v1(wallet, network.get(), head) : null;
        UpstreamLink.Wallet me = fromWallet == null ? null : UpstreamLink.Wallet.over(id, wallet, fromWallet, true);
        UpstreamLink link = network.isPresent() ? spliceable(network.get(), me) : null;
        if (link != null) {
            session = link.session();
            UpstreamSession spliced = session;
            events.opened(new ConnectionOpened(id, peer, network, spliced.transport(), spliced.sessionId(),
                    Optional.of("spliced onto the upstream of #" + link.openedBy() + ": no new peer connection"),
                    spliced::wireStats));
            relay(link, me);
            return true;
        }
        try {
            session = connector.open(new UpstreamRequest(id, peer, network), dialer);
        } catch (IOException | RuntimeException e) {
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.UPSTREAM, describe(e)));
            return false;
        }
        UpstreamSession opened = session;
        events.opened(new ConnectionOpened(id, peer, network, opened.transport(), opened.sessionId(), opened.note(),
                opened::wireStats));
        if (session.rawPeer().isPresent()) {
            new RawRelay(session.rawPeer().get()).run(head);
            return true;
        }
        me = UpstreamLink.Wallet.over(id, wallet, fromWallet, false);
        link = new UpstreamLink(id, peer, session, normalize, UpstreamLink.Timing.DEFAULT, timer, pool, parked, log,
                events);
        if (!link.start(me)) {
            reportClose(0, 0, Optional.empty());
            return false;
        }
        relay(link, me);
        return true;
    }

    /** A session this wallet dropped moments ago, to splice its reconnect onto ({@link Normalization#RECONNECT}). */
    private UpstreamLink spliceable(Network network, UpstreamLink.Wallet me) {
        if (!normalize.contains(Normalization.RECONNECT)) {
            return null;
        }
        Optional<UpstreamLink> waiting = parked.claim(peer);
        if (waiting.isEmpty()) {
            return null;
        }
        if (waiting.get().session().messages().network() != network) {
            waiting.get().end("the wallet reconnected on another network", true);
            return null;
        }
        return waiting.get().splice(me) ? waiting.get() : null;
    }

    /**
     * The wallet's messages through the link until the wallet ends; then the close line, once the link let go of the
     * wallet (parked, or its session closed and the peer's last messages relayed), and the wallet's socket closes.
     */
    private void relay(UpstreamLink link, UpstreamLink.Wallet me) {
        boolean walletBroke = false;
        try {
            while (true) {
                link.fromWallet(me, me.transport.read());
            }
        } catch (EOFException e) {
            // the wallet is done: what it sent still goes out
        } catch (Bip324Exception e) {
            // e.g. a bad checksum, an oversize length or another network's magic: the stream cannot go on, but
            // what the wallet sent before it still goes out
            walletBroke = true;
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.CLIENT_DATA, describe(e)));
        } catch (IOException e) {
            // bitcoinj's close right after a broadcast is often a reset: it is an end like any other
            log.debug(prefix() + "wallet->peer ended: " + describe(e));
        } catch (RuntimeException e) {
            // not an end: closed and failed sessions arrive as IOExceptions, so this is a bug, reported as one
            walletBroke = true;
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.RELAY, describe(e)));
        }
        if (link.detach(me, !walletBroke) == UpstreamLink.Detached.PARKED) {
            // the session lives on: its wire counters and what it still delivers belong to the next wallet
            events.closed(new ConnectionClosed(id, peer, session.transport(), me.toPeer.get(), me.toWallet.get(),
                    Optional.empty(), Delivery.NONE, Optional.of("upstream=parked (kept "
                    + UpstreamLink.Timing.DEFAULT.park().toSeconds() + " s for a reconnect); normalized: "
                    + link.summary())));
        } else {
            link.awaitEnded();
            Optional<String> normalized = normalize.isEmpty() ? Optional.empty()
                    : Optional.of("normalized: " + link.summary());
            UpstreamSession s = session;
            if (!s.undelivered().isNone()) {
                // every loss says why: the peer closing first loses what a shaper still held, a stalled peer the rest
                String why = "undelivered because: " + link.endReason().orElse("the connection ended");
                normalized = Optional.of(normalized.map(n -> why + "; " + n).orElse(why));
            }
            reportClose(me.toPeer.get(), me.toWallet.get(), normalized);
        }
        Bridge.closeQuietly(wallet);
    }

    private void closeSessionQuietly(boolean graceful) {
        UpstreamSession s = session;
        if (s == null) {
            return;
        }
        try {
            if (graceful) {
                s.close();
            } else {
                s.abort();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway; what did not reach the peer is in undelivered()
        }
    }

    /**
     * Reported before the wallet's socket closes, so the line is out by the time the wallet sees the end; it counts
     * what the wallet handed over and never reached the peer.
     */
    private void reportClose(long toPeer, long toWallet, Optional<String> note) {
        UpstreamSession s = session;
        events.closed(new ConnectionClosed(id, peer, s.transport(), toPeer, toWallet, s.wireStats(), s.undelivered(),
                note));
    }

    /** A stream without a known network cannot be framed: bytes both ways, untouched, on two tasks. */
    private final class RawRelay {
        private final Socket peerSocket;
        private final AtomicLong toPeer = new AtomicLong();
        private final AtomicLong toWallet = new AtomicLong();

        RawRelay(Socket peerSocket) {
            this.peerSocket = peerSocket;
        }

        void run(byte[] head) throws IOException {
            OutputStream out = peerSocket.getOutputStream();
            out.write(head);
            toPeer.addAndGet(head.length);
            if (!submit(this::peerToWallet)) {
                closeSessionQuietly(false);
                return;
            }
            try {
                copy(wallet.getInputStream(), out, toPeer);
                peerSocket.shutdownOutput(); // pass the wallet's half-close on, as TCP would
            } catch (IOException e) {
                log.debug(prefix() + "wallet->peer ended: " + describe(e));
                closeSessionQuietly(false);
            }
        }

        private void peerToWallet() {
            try {
                copy(peerSocket.getInputStream(), wallet.getOutputStream(), toWallet);
            } catch (IOException e) {
                log.debug(prefix() + "peer->wallet ended: " + describe(e));
            } finally {
                closeSessionQuietly(true);
                reportClose(toPeer.get(), toWallet.get(), Optional.empty());
                Bridge.closeQuietly(wallet);
            }
        }

        private void copy(InputStream in, OutputStream out, AtomicLong counter) throws IOException {
            byte[] buffer = new byte[RAW_BUFFER_BYTES];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    counter.addAndGet(n);
                }
            } catch (IOException e) {
                if (!Bridge.isClosedSocket(e)) {
                    throw e;
                }
            }
        }
    }

    private String prefix() {
        return "#" + id + " ";
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

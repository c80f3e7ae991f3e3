package org.bip324shaper.agent.bridge;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.driver.MessageTransport;

/**
 * One wallet connection accepted by the bridge: reads the wallet's network magic (once: the wallet's transport
 * decodes its stream from those bytes on), opens the upstream session, and pumps whole messages both ways on two
 * tasks of the bridge's bounded pool, logging one line at open and one at close.
 *
 * <p>Ending: the wallet's end of stream closes the session gracefully, which first puts on the wire everything the
 * wallet sent (bounded by the session's linger; what is left is counted as {@code undelivered}). The peer's end of
 * stream, or bad data from either side, ends both. The close line is written by the peer-to-wallet task once the
 * session is closed, and before the wallet's socket closes, so it is out by the time the wallet sees the end.
 */
final class BridgedConnection {

    /** The wallet speaks first (its version message); one that stays silent this long is dropped. */
    static final int FIRST_BYTES_TIMEOUT_MILLIS = 30_000;
    private static final int MAGIC_LENGTH = 4;
    private static final int RAW_BUFFER_BYTES = 16 * 1024;
    /**
     * bitcoinj writes its {@code tx} and closes at once: when writing to the wallet fails, what the wallet wrote
     * before closing may still be on its way through the other task. It gets this long to reach the wallet's end of
     * stream (it only reads what the kernel already holds) before the session is closed anyway.
     */
    static final long WALLET_DRAIN_MILLIS = 5_000;

    private final long id;
    private final Socket wallet;
    private final InetSocketAddress peer;
    private final UpstreamConnector connector;
    private final PeerDialer dialer;
    private final AgentLog log;
    private final Executor pool;
    private final Set<Normalization> normalize;
    private final ParkedLinks parked;
    private final ScheduledExecutorService timer;
    private final AtomicLong walletToPeer = new AtomicLong();
    private final AtomicLong peerToWallet = new AtomicLong();
    private volatile UpstreamSession session;
    /** Counted down when the wallet-to-peer task has passed on everything the wallet sent. */
    private final CountDownLatch walletSideDone = new CountDownLatch(1);

    BridgedConnection(long id, Socket wallet, InetSocketAddress peer, UpstreamConnector connector, PeerDialer dialer,
                      AgentLog log, Executor pool, Set<Normalization> normalize, ParkedLinks parked,
                      ScheduledExecutorService timer) {
        this.id = id;
        this.wallet = wallet;
        this.peer = peer;
        this.connector = connector;
        this.dialer = dialer;
        this.log = log;
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
            log.warn(prefix() + "failed: " + describe(e));
        } finally {
            if (!handedOver) {
                Bridge.closeQuietly(wallet);
            }
        }
    }

    /** Returns whether the pumps now own the connection. */
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
        if (!normalize.isEmpty() && network.isPresent()) {
            return runLinked(MessageTransport.v1(wallet, network.get(), head), network.get());
        }
        UpstreamSession opened;
        try {
            opened = connector.open(new UpstreamRequest(id, peer, network), dialer);
        } catch (IOException | RuntimeException e) {
            log.warn(prefix() + "could not open the upstream to " + LogFormat.address(peer) + ": " + describe(e));
            return false;
        }
        session = opened;
        log.info(prefix() + "open peer=" + LogFormat.address(peer)
                + " network=" + network.map(Network::id).orElse("unknown")
                + " transport=" + opened.transport()
                + " session=" + opened.sessionId().orElse("-")
                + opened.note().map(note -> " (" + note + ")").orElse(""));
        if (opened.rawPeer().isPresent()) {
            relayRaw(head, opened.rawPeer().get());
            return true;
        }
        MessageTransport fromWallet = MessageTransport.v1(wallet, network.get(), head);
        if (!submit(() -> peerToWallet(opened.messages(), fromWallet))) {
            closeSessionQuietly(false);
            logClose();
            return false;
        }
        walletToPeer(fromWallet, opened.messages());
        return true;
    }

    /**
     * With normalization: the wallet's messages go through an {@link UpstreamLink}, a parked one for this peer if
     * there is one (a reconnect spliced onto the session the wallet dropped), else a new session's.
     */
    private boolean runLinked(MessageTransport fromWallet, Network network) throws IOException {
        UpstreamLink link = null;
        UpstreamLink.Wallet me = UpstreamLink.Wallet.over(id, wallet, fromWallet, true);
        if (normalize.contains(Normalization.RECONNECT)) {
            Optional<UpstreamLink> waiting = parked.claim(peer);
            if (waiting.isPresent() && waiting.get().session().messages().network() != network) {
                waiting.get().end("the wallet reconnected on another network", true);
            } else if (waiting.isPresent() && waiting.get().splice(me)) {
                link = waiting.get();
            }
        }
        if (link != null) {
            session = link.session();
            log.info(prefix() + "open peer=" + LogFormat.address(peer) + " network=" + network.id()
                    + " transport=" + session.transport() + " session=" + session.sessionId().orElse("-")
                    + " (spliced onto the upstream of #" + link.openedBy() + ": no new peer connection)");
        } else {
            try {
                session = connector.open(new UpstreamRequest(id, peer, Optional.of(network)), dialer);
            } catch (IOException | RuntimeException e) {
                log.warn(prefix() + "could not open the upstream to " + LogFormat.address(peer) + ": " + describe(e));
                return false;
            }
            logOpen(network);
            me = UpstreamLink.Wallet.over(id, wallet, fromWallet, false);
            link = new UpstreamLink(id, peer, session, normalize, UpstreamLink.Timing.DEFAULT, timer, pool, parked,
                    log);
            if (!link.start(me)) {
                logClose();
                return false;
            }
        }
        boolean graceful = false;
        try {
            while (true) {
                link.fromWallet(me, fromWallet.read());
            }
        } catch (EOFException e) {
            graceful = true;
        } catch (Bip324Exception e) {
            log.warn(prefix() + "bad data from the wallet, closing both sides: " + describe(e));
        } catch (IOException | RuntimeException e) {
            log.debug(prefix() + "wallet->peer ended: " + describe(e));
        }
        UpstreamLink.Detached how = link.detach(me, graceful);
        if (how == UpstreamLink.Detached.PARKED) {
            log.info(prefix() + "close peer=" + LogFormat.address(peer) + " wallet->peer=" + me.toPeer.get()
                    + " peer->wallet=" + me.toWallet.get() + " bytes; upstream=parked (kept "
                    + UpstreamLink.Timing.DEFAULT.park().toSeconds() + " s for a reconnect); normalized: "
                    + link.summary());
        } else {
            logClose(me.toPeer.get(), me.toWallet.get(), "; normalized: " + link.summary());
        }
        Bridge.closeQuietly(wallet);
        return true;
    }

    private void logOpen(Network network) {
        UpstreamSession s = session;
        log.info(prefix() + "open peer=" + LogFormat.address(peer) + " network=" + network.id()
                + " transport=" + s.transport() + " session=" + s.sessionId().orElse("-")
                + s.note().map(note -> " (" + note + ")").orElse(""));
    }

    /** The wallet's messages to the peer; the wallet's end of stream is passed on (what it sent still goes out). */
    private void walletToPeer(MessageTransport fromWallet, MessageTransport toPeer) {
        try {
            relayWallet(fromWallet, toPeer);
        } finally {
            walletSideDone.countDown();
        }
    }

    private void relayWallet(MessageTransport fromWallet, MessageTransport toPeer) {
        try {
            while (true) {
                NetworkMessage m = fromWallet.read();
                toPeer.write(m);
                walletToPeer.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
            }
        } catch (EOFException e) {
            try {
                session.walletFinished();
            } catch (IOException | RuntimeException closing) {
                closeSessionQuietly(true);
            }
        } catch (Bip324Exception e) {
            // e.g. a bad checksum, an oversize length or another network's magic: the stream cannot go on, but
            // what the wallet sent before it still goes out
            log.warn(prefix() + "bad data from the wallet, closing both sides: " + describe(e));
            closeSessionQuietly(true); // ends the other direction too
        } catch (IOException | RuntimeException e) {
            log.debug(prefix() + "wallet->peer ended: " + describe(e));
            closeSessionQuietly(true);
        }
    }

    /** The peer's messages to the wallet; the last task of the connection: it logs the close and ends the wallet. */
    private void peerToWallet(MessageTransport fromPeer, MessageTransport toWallet) {
        try {
            while (true) {
                NetworkMessage m = fromPeer.read();
                try {
                    toWallet.write(m);
                } catch (IOException walletGone) {
                    // The wallet closed: let the other task deliver what it wrote first (its end of stream then
                    // closes the session gracefully, which drains whatever the shaper holds).
                    log.debug(prefix() + "peer->wallet ended: " + describe(walletGone));
                    awaitWalletSide();
                    return;
                }
                peerToWallet.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
            }
        } catch (EOFException e) {
            // the peer closed, or the session was closed from the wallet's side
        } catch (Bip324Exception e) {
            log.warn(prefix() + "bad data from the peer " + LogFormat.address(peer) + ", closing both sides: "
                    + describe(e));
        } catch (IOException | RuntimeException e) {
            log.debug(prefix() + "peer->wallet ended: " + describe(e));
        } finally {
            closeSessionQuietly(true); // waits for a close the other task began
            logClose();
            Bridge.closeQuietly(wallet);
        }
    }

    private void awaitWalletSide() {
        try {
            walletSideDone.await(WALLET_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stream without a known network cannot be framed: bytes both ways, untouched. */
    private void relayRaw(byte[] head, Socket peerSocket) throws IOException {
        InputStream walletIn = wallet.getInputStream();
        OutputStream toPeer = peerSocket.getOutputStream();
        toPeer.write(head);
        walletToPeer.addAndGet(head.length);
        if (!submit(() -> {
            try {
                copy(peerSocket.getInputStream(), wallet.getOutputStream(), peerToWallet);
            } catch (IOException e) {
                log.debug(prefix() + "peer->wallet ended: " + describe(e));
            } finally {
                closeSessionQuietly(true);
                logClose();
                Bridge.closeQuietly(wallet);
            }
        })) {
            closeSessionQuietly(false);
            return;
        }
        try {
            copy(walletIn, toPeer, walletToPeer);
            peerSocket.shutdownOutput(); // pass the wallet's half-close on, as TCP would
        } catch (IOException e) {
            log.debug(prefix() + "wallet->peer ended: " + describe(e));
            closeSessionQuietly(false);
        }
    }

    private static void copy(InputStream in, OutputStream out, AtomicLong counter) throws IOException {
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

    private void logClose() {
        logClose(walletToPeer.get(), peerToWallet.get(), "");
    }

    /**
     * Logged before the wallet's socket closes, so the line is out by the time the wallet sees the end. What the
     * wallet handed over and never reached the peer is counted, at WARN: it should always be 0.
     */
    private void logClose(long toPeer, long toWallet, String tail) {
        UpstreamSession s = session;
        Delivery undelivered = s.undelivered();
        String line = prefix() + "close peer=" + LogFormat.address(peer) + " wallet->peer=" + toPeer
                + " peer->wallet=" + toWallet + " bytes"
                + s.wireStats().map(BridgedConnection::describeWire).orElse("") + "; undelivered=" + undelivered
                + tail;
        if (undelivered.isNone()) {
            log.info(line);
        } else {
            log.warn(line);
        }
    }

    /** The v2 wire bytes each way by kind: what the shaping cost, never what was said. */
    static String describeWire(TrafficStats.Snapshot stats) {
        return "; v2 wire sent genuine=" + stats.written().genuineBytes() + " decoy=" + stats.written().decoyBytes()
                + " handshake=" + (stats.written().handshakeBytes() + stats.written().garbageBytes())
                + " received genuine=" + stats.read().genuineBytes() + " decoy=" + stats.read().decoyBytes()
                + " handshake=" + (stats.read().handshakeBytes() + stats.read().garbageBytes());
    }

    private String prefix() {
        return "#" + id + " ";
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

package org.bip324shaper.agent.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;

/**
 * One wallet connection accepted by the bridge: waits for the wallet's first bytes (the network magic), opens
 * the upstream session, pumps both directions until either side ends, and reports its open, close and failures
 * as {@link ConnectionEvents} (from which the log lines are formatted).
 */
final class BridgedConnection implements Runnable {

    /** The wallet speaks first (its version message); one that stays silent this long is dropped. */
    static final int FIRST_BYTES_TIMEOUT_MILLIS = 30_000;
    private static final int MAGIC_LENGTH = 4;
    private static final int BUFFER_BYTES = 16 * 1024;
    /**
     * bitcoinj writes its {@code tx} and closes at once: when the wallet's socket fails under the peer-to-wallet
     * pump, what the wallet wrote before closing is still in the other pump's way. It gets this long to reach the
     * wallet's end of stream (it only reads what the kernel already holds) before the session is closed anyway.
     */
    static final long WALLET_DRAIN_MILLIS = 5_000;

    private final long id;
    private final Socket wallet;
    private final InetSocketAddress peer;
    private final UpstreamConnector connector;
    private final PeerDialer dialer;
    private final AgentLog log;
    private final ConnectionEvents events;
    private final AtomicLong walletToPeer = new AtomicLong();
    private final AtomicLong peerToWallet = new AtomicLong();

    BridgedConnection(long id, Socket wallet, InetSocketAddress peer, UpstreamConnector connector, PeerDialer dialer,
                      AgentLog log, ConnectionEvents events) {
        this.id = id;
        this.wallet = wallet;
        this.peer = peer;
        this.connector = connector;
        this.dialer = dialer;
        this.log = log;
        this.events = events;
    }

    @Override
    public void run() {
        try {
            relay();
        } catch (IOException | RuntimeException e) {
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.RELAY, describe(e)));
        } finally {
            Bridge.closeQuietly(wallet);
        }
    }

    private void relay() throws IOException {
        wallet.setTcpNoDelay(true);
        wallet.setSoTimeout(FIRST_BYTES_TIMEOUT_MILLIS);
        InputStream fromWallet = wallet.getInputStream();
        byte[] head = fromWallet.readNBytes(MAGIC_LENGTH);
        wallet.setSoTimeout(0);
        if (head.length == 0) {
            log.debug(prefix() + "wallet closed before sending anything; peer not dialed");
            return;
        }
        Optional<Network> network = head.length == MAGIC_LENGTH ? Network.fromMagic(head, 0) : Optional.empty();

        UpstreamSession session;
        try {
            session = connector.open(new UpstreamRequest(id, peer, network), dialer);
        } catch (IOException | RuntimeException e) {
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.UPSTREAM, describe(e)));
            return;
        }
        try {
            events.opened(new ConnectionOpened(id, peer, network, session.transport(), session.sessionId(),
                    session.note(), session::wireStats));
            Thread upstream = new Thread(() -> pumpWalletToPeer(head, fromWallet, session),
                    Thread.currentThread().getName() + "-up");
            upstream.setDaemon(true);
            upstream.start();
            try {
                if (pump(session.fromPeer(), wallet.getOutputStream(), peerToWallet) == Ending.SINK_CLOSED) {
                    // The wallet closed: let the other pump deliver what it wrote first (its end of stream then
                    // closes the session gracefully, which drains whatever the shaper holds).
                    upstream.join(WALLET_DRAIN_MILLIS);
                }
            } catch (Bip324Exception e) {
                events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.PEER_DATA, "at the session step"
                        + " (after " + peerToWallet.get() + " bytes to the wallet), closing both sides: "
                        + describe(e)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            Bridge.closeQuietly(session);
            // reported before the wallet's socket closes, so the line is out by the time the wallet sees the end
            events.closed(new ConnectionClosed(id, peer, session.transport(), walletToPeer.get(),
                    peerToWallet.get(), session.wireStats(), session.undelivered()));
        }
    }

    private void pumpWalletToPeer(byte[] head, InputStream fromWallet, UpstreamSession session) {
        try {
            OutputStream toPeer = session.toPeer();
            toPeer.write(head);
            toPeer.flush();
            walletToPeer.addAndGet(head.length);
            pump(fromWallet, toPeer, walletToPeer);
            toPeer.close(); // the wallet half-closed: tell the session, which tells the peer
        } catch (Bip324Exception e) {
            // e.g. a bad checksum, an oversize length or another network's magic: the stream cannot go on
            events.failed(new ConnectionFailure(id, peer, ConnectionFailure.Stage.CLIENT_DATA, describe(e)));
            Bridge.closeQuietly(session); // ends the other direction too
        } catch (IOException | RuntimeException e) {
            log.debug(prefix() + "wallet->peer ended: " + describe(e));
            Bridge.closeQuietly(session); // ends the other direction too
        }
    }

    /** How a pump ended: its source reached the end (or was closed under it), or its sink's socket failed. */
    private enum Ending { SOURCE_ENDED, SINK_CLOSED }

    /** Copies until end of stream; a socket closed by the other pump also ends it. */
    private static Ending pump(InputStream in, OutputStream out, AtomicLong counter) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (;;) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                if (Bridge.isClosedSocket(e)) {
                    return Ending.SOURCE_ENDED;
                }
                throw e;
            }
            if (n < 0) {
                return Ending.SOURCE_ENDED;
            }
            try {
                out.write(buffer, 0, n);
                out.flush();
            } catch (IOException e) {
                if (Bridge.isClosedSocket(e)) {
                    return Ending.SINK_CLOSED;
                }
                throw e;
            }
            counter.addAndGet(n);
        }
    }

    private String prefix() {
        return "#" + id + " ";
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

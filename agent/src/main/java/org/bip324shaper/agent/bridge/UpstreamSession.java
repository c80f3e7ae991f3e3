package org.bip324shaper.agent.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * The peer side of one bridged connection. It owns the real socket; the bridge owns the wallet's socket and
 * pumps bytes between the two. Both streams carry the wallet's plain v1 byte stream (magic, header, payload):
 * a v2 session encrypts what it reads from {@link #toPeer()} and decrypts into {@link #fromPeer()}, and what
 * travels on the wire in between (handshake, garbage, padding, decoys, a v1 fallback that redials and replays
 * the bytes already written) is its own business. Sessions must never expose keys or message contents.
 *
 * <p>Threading: one bridge thread writes {@link #toPeer()}, another reads {@link #fromPeer()}, and either may call
 * {@link #close()}, which must unblock both.
 */
public interface UpstreamSession extends Closeable {

    /** The transport actually in use, for the connection's log lines, e.g. {@code v1} or {@code v2}. */
    String transport();

    /**
     * The BIP-324 session id once a v2 handshake completed, in hex as Bitcoin Core's {@code getpeerinfo} prints
     * {@code session_id}; empty for v1. Not a secret: both ends may compare it to rule out a man in the middle.
     */
    default Optional<String> sessionId() {
        return Optional.empty();
    }

    /** Why this connection uses its transport when that is not the plain choice (e.g. a v1 fallback). */
    default Optional<String> note() {
        return Optional.empty();
    }

    /** A v2 session's wire counters (genuine, decoy, handshake bytes each way), for the close log line. */
    default Optional<TrafficStats.Snapshot> wireStats() {
        return Optional.empty();
    }

    /**
     * Messages the wallet handed over that never reached the peer, once the session is closed: 0 after a graceful
     * close unless the peer stalled past the close linger or the connection failed. A byte relay loses nothing.
     */
    default Delivery undelivered() {
        return Delivery.NONE;
    }

    /**
     * Bytes the wallet sends, starting with its very first byte. Closing it means the wallet will send no more
     * (the session may half-close the peer connection or close it).
     */
    OutputStream toPeer();

    /** Bytes for the wallet; end of stream when the peer side is finished. */
    InputStream fromPeer();

    /** Closes the peer connection and releases everything; idempotent. */
    @Override
    void close() throws IOException;
}

package org.bip324shaper.agent.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.driver.MessageTransport;

/**
 * The peer side of one bridged connection. It owns the real socket; the bridge owns the wallet's socket and pumps
 * whole messages between the two: it writes each message the wallet sent to {@link #messages()} and each message
 * read from it to the wallet. What travels on the wire in between (handshake, garbage, padding, decoys, or plain v1
 * after a fallback) is the session's own business. Sessions must never expose keys or message contents.
 *
 * <p>Threading: one bridge thread writes, another reads, and either may close; see {@link MessageTransport}.
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

    /** The peer as a stream of messages, of the network the wallet's magic named. */
    MessageTransport messages();

    /**
     * Only for a wallet stream without a known network magic, which cannot be framed: the peer socket, to relay
     * byte for byte. {@link #messages()} is then unusable.
     */
    default Optional<Socket> rawPeer() {
        return Optional.empty();
    }

    /** What the peer never got of what the bridge wrote, once closed (see {@link MessageTransport#undelivered}). */
    default Delivery undelivered() {
        return rawPeer().isPresent() ? Delivery.NONE : messages().undelivered();
    }

    /**
     * The wallet will send no more. A v1 session half-closes the peer connection, as TCP would, and the peer may
     * still answer; BIP-324 has no half-close, so by default the session closes gracefully.
     */
    default void walletFinished() throws IOException {
        close();
    }

    /** The graceful close: what was written reaches the peer first (bounded); idempotent. */
    @Override
    void close() throws IOException;

    /** Closes at once, dropping what is not yet on the wire (counted in {@link #undelivered()}). */
    default void abort() throws IOException {
        close();
    }
}

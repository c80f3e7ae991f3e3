package org.bip324shaper.agent.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The peer side of one bridged connection. It owns the real socket; the bridge owns the wallet's socket and
 * pumps bytes between the two. Both streams carry the wallet's plain v1 byte stream (magic, header, payload):
 * a v2 session encrypts what it reads from {@link #toPeer()} and decrypts into {@link #fromPeer()}, and what
 * travels on the wire in between (handshake, garbage, padding, decoys, a v1 fallback that redials and replays
 * the bytes already written) is its own business.
 *
 * <p>Threading: one bridge thread writes {@link #toPeer()}, another reads {@link #fromPeer()}, and either may call
 * {@link #close()}, which must unblock both.
 */
public interface UpstreamSession extends Closeable {

    /** The transport actually in use, for the connection's log lines, e.g. {@code v1} or {@code v2}. */
    String transport();

    /** The BIP-324 session id (hex) once a v2 handshake completed; empty for v1. Not a secret. */
    default Optional<String> sessionId() {
        return Optional.empty();
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

package org.bip324shaper.driver;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;
import java.util.Optional;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * One peer connection as a stream of whole P2P messages, whatever carries them: plain v1 frames or a BIP-324
 * session. Code that speaks the bitcoin protocol (a probe, a test node, the agent's bridge) is written once against
 * this. Messages cross from one transport to the other without their payload being copied: a v1 frame's header room
 * takes the v2 message type and a v2 payload is written behind a new v1 header (see {@link NetworkMessage}).
 *
 * <p>Threading: one thread reads; any number may write, each message goes out whole. {@link #close()} may come from
 * any thread and ends a blocked read with an {@link java.io.EOFException}.
 */
public interface MessageTransport extends Closeable {

    /** Which protocol carries the messages. */
    enum Kind {
        V1, V2;

        /** {@code v1} or {@code v2}, as log lines print it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Kind kind();

    Network network();

    /** The BIP-324 session id in hex as Bitcoin Core's {@code getpeerinfo} prints it (v2; readable after close). */
    default Optional<String> sessionIdHex() {
        return Optional.empty();
    }

    /** The v2 wire counters (genuine, decoy, handshake bytes each way); empty for v1. */
    default Optional<TrafficStats> stats() {
        return Optional.empty();
    }

    /**
     * The next message; blocks. {@link java.io.EOFException} once the peer closed or {@link #close()} was called; a
     * {@link org.bip324shaper.core.Bip324Exception} if the peer broke the protocol (the transport is then unusable).
     */
    NetworkMessage read() throws IOException;

    /** Sends one message; blocks until it was handed to the stream (a v2 shaper may hold it for its next tick). */
    void write(NetworkMessage message) throws IOException;

    /**
     * As {@link #write(NetworkMessage)}; {@link Release#NOW} asks a v2 shaper not to hold it (nor what it held before
     * it) for a tick. A v1 transport writes every message at once anyway.
     */
    default void write(NetworkMessage message, Release release) throws IOException {
        write(message);
    }

    /**
     * As {@link #write(NetworkMessage)}, except that the transport may keep the message in its buffer until
     * {@link #flush()}, the next {@link #write(NetworkMessage) write}, or {@link #close()}, so that a run of small
     * messages leaves in one system call. A relay that forwards what it reads writes with this while
     * {@link #hasReadyMessage()} says more is coming, then flushes.
     */
    default void writeBuffered(NetworkMessage message) throws IOException {
        write(message);
    }

    /** Writes whatever {@link #writeBuffered} left in the buffer. */
    default void flush() throws IOException {
    }

    /**
     * True if {@link #read()} would return a message without waiting for the network: it arrived with bytes already
     * read. Called by the reading thread; false when in doubt (then the next read reports what went wrong).
     */
    default boolean hasReadyMessage() {
        return false;
    }

    boolean isClosed();

    /**
     * The graceful close: every message a write accepted goes on the wire first (a v2 shaper's held packets too),
     * bounded by the linger for a peer that does not read; then the connection ends. Idempotent.
     */
    @Override
    void close() throws IOException;

    /** Ends the connection at once, dropping what a v2 shaper still holds (counted in {@link #undelivered()}). */
    default void abort() throws IOException {
        close();
    }

    /**
     * Messages a write accepted that never reached the wire, once closed: none after a graceful close unless the
     * peer stalled past the linger or the connection failed. A v1 write returns only once its frame is written.
     */
    default Delivery undelivered() {
        return Delivery.NONE;
    }

    /** Plain v1 frames of {@code network} over a connected socket, which the transport then owns. */
    static MessageTransport v1(Socket socket, Network network) throws IOException {
        return v1(socket, network, new byte[0]);
    }

    /**
     * As {@link #v1(Socket, Network)}, for a stream whose first bytes were already taken off the socket (e.g. the
     * network magic, or what a v2 responder read before it recognised a v1 peer): they are decoded first.
     */
    static MessageTransport v1(Socket socket, Network network, byte[] alreadyRead) throws IOException {
        return V1MessageTransport.over(socket, network, alreadyRead);
    }

    /** v1 frames over a stream pair; {@code resource} is closed with the transport (the streams are not). */
    static MessageTransport v1(InputStream in, OutputStream out, Network network, byte[] alreadyRead,
                               Closeable resource) {
        return new V1MessageTransport(in, out, null, network, alreadyRead, resource);
    }

    /** An established BIP-324 session; closing the transport closes the protocol. */
    static MessageTransport v2(ShapedProtocol protocol) {
        return new V2MessageTransport(protocol, () -> { });
    }

    /**
     * As {@link #v2(ShapedProtocol)}, with {@code underlying} (e.g. the socket under streams the protocol does not
     * close) closed after the protocol, which wakes a blocked read.
     */
    static MessageTransport v2(ShapedProtocol protocol, Closeable underlying) {
        return new V2MessageTransport(protocol, underlying);
    }
}

package org.bip324shaper.agent.v2;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.core.handshake.Role;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Tries a BIP-324 handshake as initiator on a freshly dialed socket and tells a v1-only peer apart from a broken
 * one. A node without v2 reads our 64-byte key as a bad v1 header and hangs up (or ignores it) before sending
 * anything; a v2 node answers with its own 64-byte key first. So a connection that ends or stays silent before
 * the peer's key is complete is {@link Dropped} (worth a v1 redial), and any failure after it is a real error.
 */
public final class V2HandshakeAttempt {

    /** Length of the peer's ElligatorSwift key, the first thing a v2 responder sends. */
    static final int PEER_KEY_LENGTH = 64;

    private V2HandshakeAttempt() {
    }

    /** What came of the attempt. */
    public sealed interface Outcome permits Established, Dropped {
    }

    /**
     * The handshake completed.
     *
     * @param protocol the running connection (it owns the socket and its decoy thread)
     * @param input    the socket input under the protocol, to bound later reads by a deadline if wanted
     */
    public record Established(ShapedProtocol protocol, DeadlineInputStream input) implements Outcome {
        public Established {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(input, "input");
        }
    }

    /** The peer dropped the attempt before its key arrived (the socket is closed); {@code reason} says how. */
    public record Dropped(String reason) implements Outcome {
        public Dropped {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Runs the handshake on {@code socket}, which this call owns from now on: it is closed unless the result is
     * {@link Established}, whose reads then wait without a deadline.
     *
     * @param timeout how long the peer may take to send its key once ours is out, and then again to complete the
     *                handshake; our own key computation (slow in a cold JVM) never counts against the peer
     * @throws IOException the peer sent its key and then failed the handshake (the socket is closed)
     */
    public static Outcome attempt(Socket socket, Network network, TrafficConfig config, Duration timeout)
            throws IOException {
        return attempt(socket, network, config, timeout, TraceRecorder.NONE);
    }

    /** As {@link #attempt(Socket, Network, TrafficConfig, Duration)}, recording the connection's shape. */
    public static Outcome attempt(Socket socket, Network network, TrafficConfig config, Duration timeout,
                                  TraceRecorder recorder) throws IOException {
        DeadlineInputStream input;
        try {
            socket.setTcpNoDelay(true); // the engine decides where writes end; Nagle would only delay them
            input = new DeadlineInputStream(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        input.handshakeBudget(timeout, PEER_KEY_LENGTH);
        ShapedProtocol protocol;
        try {
            // closes the socket (through input.close()) if the handshake fails
            protocol = ShapedProtocol.over(socket, input,
                    ShapedProtocol.options(Role.INITIATOR, network).config(config).recorder(recorder));
        } catch (IOException | RuntimeException e) {
            socket.close();
            if (e instanceof IOException io && !(e instanceof Bip324Exception)
                    && input.bytesRead() < PEER_KEY_LENGTH) {
                return new Dropped(describeDrop(io, input.bytesRead(), timeout));
            }
            throw e;
        }
        try {
            input.clearDeadline();
        } catch (IOException e) {
            protocol.close();
            throw e;
        }
        return new Established(protocol, input);
    }

    private static String describeDrop(IOException e, long received, Duration timeout) {
        String after = received == 0 ? "" : " after " + received + " of its " + PEER_KEY_LENGTH + " key bytes";
        if (e instanceof SocketTimeoutException) {
            return received == 0 ? "peer sent nothing within " + timeout.toMillis() + " ms"
                    : "peer stalled" + after + " for " + timeout.toMillis() + " ms";
        }
        if (e instanceof EOFException) {
            return "peer closed the connection before its key" + after;
        }
        return "peer dropped the connection before its key" + after + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}

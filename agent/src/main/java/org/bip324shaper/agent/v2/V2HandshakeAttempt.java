package org.bip324shaper.agent.v2;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.engine.V1Suggestion;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.driver.ConnectionOptions;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Tries a BIP-324 handshake as initiator on a freshly dialed socket and tells a v1-only peer apart from a broken
 * one by the engine's {@link V1Suggestion} (Bitcoin Core's {@code V2Transport::ShouldReconnectV1}): a node without
 * v2 reads our 64-byte key as a bad v1 header and hangs up (or ignores it) without sending anything, so only a
 * connection that ends or stays silent before a single byte arrived, once our key went out, is {@link Dropped}
 * (worth a v1 redial). Anything the peer sent, even 2 bytes of a key, makes every failure a real error: a
 * {@link V2HandshakeException} naming the step and the likely cause.
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

    /** The peer dropped the attempt without sending a byte (the socket is closed); {@code reason} says how. */
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
     * @throws V2HandshakeException the peer sent something and then failed the handshake (the socket is closed)
     */
    public static Outcome attempt(Socket socket, Network network, TrafficConfig config, Duration timeout)
            throws IOException {
        return attempt(socket, network, config, timeout, TraceRecorder.NONE);
    }

    /** As {@link #attempt(Socket, Network, TrafficConfig, Duration)}, recording the connection's shape. */
    public static Outcome attempt(Socket socket, Network network, TrafficConfig config, Duration timeout,
                                  TraceRecorder recorder) throws IOException {
        return attempt(socket, network, config, AeadBackend.preferred(), timeout, recorder, Long.MAX_VALUE, null);
    }

    /**
     * As {@link #attempt(Socket, Network, TrafficConfig, Duration, TraceRecorder)}, with this packet cipher, and no
     * read waits past {@code notAfterNanos} ({@code System.nanoTime()}): a total deadline over the per-step budget.
     */
    public static Outcome attempt(Socket socket, Network network, TrafficConfig config, AeadBackend aead,
                                  Duration timeout, TraceRecorder recorder, long notAfterNanos) throws IOException {
        return attempt(socket, network, config, aead, timeout, recorder, notAfterNanos, null);
    }

    /**
     * As {@link #attempt(Socket, Network, TrafficConfig, AeadBackend, Duration, TraceRecorder, long)}, taking our
     * ephemeral key from {@code keys} (null: generated here, on the connect path).
     */
    public static Outcome attempt(Socket socket, Network network, TrafficConfig config, AeadBackend aead,
                                  Duration timeout, TraceRecorder recorder, long notAfterNanos,
                                  Supplier<EllSwiftPrivateKey> keys) throws IOException {
        DeadlineInputStream input;
        SentBytes sent = new SentBytes(recorder);
        try {
            socket.setTcpNoDelay(true); // the engine decides where writes end; Nagle would only delay them
            input = new DeadlineInputStream(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        input.handshakeBudget(timeout, PEER_KEY_LENGTH);
        input.notAfter(notAfterNanos);
        ShapedProtocol.Attempt attempt;
        try {
            ConnectionOptions options = ShapedProtocol.options(Role.INITIATOR, network).config(config)
                    .recorder(sent).aead(aead);
            if (keys != null) {
                options.keys(keys);
            }
            attempt = ShapedProtocol.attempt(socket, input, options);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        if (attempt instanceof ShapedProtocol.Attempt.Failed failed) {
            IOException e = failed.error();
            long silentNanos = System.nanoTime() - (input.bytesRead() == 0 ? input.budgetStartNanos()
                    : input.lastByteNanos());
            socket.close(); // usually closed already (through input.close()), not if its stream failed
            if (failed.suggestion() == V1Suggestion.RETRY_V1) {
                return new Dropped(describeDrop(e, timeout));
            }
            // ABORT with nothing received: the engine never saw a v1 header's worth of our key written
            if (input.bytesRead() == 0) {
                throw new V2HandshakeException(HandshakeStep.KEY, 0, "nothing received, our key not sent",
                        "the connection failed before our key was out: no sign of a v1 node, so no v1 fallback", e);
            }
            throw HandshakeDiagnosis.diagnose(e, network, input.bytesRead(), input.head(), sent.bytes(),
                    sent.writes(), silentNanos, timeout);
        }
        ShapedProtocol protocol = ((ShapedProtocol.Attempt.Established) attempt).protocol();
        try {
            input.clearDeadline();
        } catch (IOException e) {
            protocol.close();
            throw e;
        }
        return new Established(protocol, input);
    }

    private static String describeDrop(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return "peer sent nothing within " + timeout.toMillis() + " ms";
        }
        if (e instanceof EOFException) {
            return "peer closed the connection without sending anything";
        }
        return "peer dropped the connection without sending anything: " + V2HandshakeException.describe(e);
    }

    /**
     * Counts what the engine hands the socket (through the trace recorder, which sees every write's size, never its
     * bytes), for the echo check; passes everything on to the connection's own recorder.
     */
    private static final class SentBytes implements TraceRecorder {
        private final TraceRecorder next;
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicInteger writes =
                new java.util.concurrent.atomic.AtomicInteger();

        SentBytes(TraceRecorder next) {
            this.next = next;
        }

        @Override
        public void message(long timeNanos, org.bip324shaper.core.trace.Direction direction, String type,
                            int payloadLength) {
            next.message(timeNanos, direction, type, payloadLength);
        }

        @Override
        public void write(long timeNanos, org.bip324shaper.core.trace.Direction direction, int n) {
            if (direction == org.bip324shaper.core.trace.Direction.OUTBOUND) {
                bytes.addAndGet(n);
                writes.incrementAndGet();
            }
            next.write(timeNanos, direction, n);
        }

        @Override
        public void close() {
            next.close();
        }

        long bytes() {
            return bytes.get();
        }

        int writes() {
            return writes.get();
        }
    }
}

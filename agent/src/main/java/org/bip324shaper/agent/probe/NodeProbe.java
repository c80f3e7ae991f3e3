package org.bip324shaper.agent.probe;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.net.SocketTimeoutException;
import org.bip324shaper.agent.v2.DeadlineInputStream;
import org.bip324shaper.agent.v2.HandshakeStep;
import org.bip324shaper.agent.v2.V2HandshakeAttempt;
import org.bip324shaper.agent.v2.V2HandshakeException;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Asks a node which transport it speaks: a BIP-324 handshake as initiator, then the version/verack exchange; if
 * the node drops the v2 attempt without sending a byte, the same exchange over a fresh v1 connection. No
 * shaping: a probe is one short exchange. The timeout bounds the whole probe, every step included (connect, v2
 * handshake, version exchange, and the v1 retry if there is one): no read or connect waits past it. The v2
 * attempt may wait at most half of it for a silent node, so that a v1 retry still has time.
 */
public final class NodeProbe {

    /** More messages than any node sends before its verack; a chattier one is not a node we understand. */
    static final int MAX_MESSAGES_BEFORE_VERACK = 64;

    private final Network network;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();

    /** @param timeout the total time the probe may take */
    public NodeProbe(Network network, Duration timeout) {
        this.network = Objects.requireNonNull(network, "network");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout must be positive and below 24 days, got " + timeout);
        }
    }

    /** Which transport a node speaks. */
    public enum Transport {
        V2("v2"), V1_ONLY("v1-only");

        private final String id;

        Transport(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * What the probe learned.
     *
     * @param sessionId   the BIP-324 session id as Bitcoin Core's {@code getpeerinfo} prints it (v2 only)
     * @param v2Dropped   how the node dropped the v2 attempt (v1-only)
     * @param peerVersion the node's version message
     */
    public record Result(Transport transport, Optional<String> sessionId, Optional<String> v2Dropped,
                         VersionMessage peerVersion) {
        public Result {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(v2Dropped, "v2Dropped");
            Objects.requireNonNull(peerVersion, "peerVersion");
        }
    }

    /**
     * @throws V2HandshakeException naming the step that failed and the likely cause: the node could not be
     *                              reached, failed the v2 handshake after sending something, or failed the version
     *                              exchange; or the deadline passed
     * @throws IOException          the v1 retry failed
     */
    public Result probe(InetSocketAddress node) throws IOException {
        long notAfter = System.nanoTime() + timeout.toNanos();
        Duration v2Budget = timeout.dividedBy(2).isZero() ? timeout : timeout.dividedBy(2);
        V2HandshakeAttempt.Outcome outcome = V2HandshakeAttempt.attempt(dial(node, notAfter), network,
                TrafficConfig.DEFAULT, org.bip324shaper.core.crypto.AeadBackend.preferred(), v2Budget, TraceRecorder.NONE,
                notAfter);
        if (outcome instanceof V2HandshakeAttempt.Established v2) {
            ShapedProtocol protocol = v2.protocol();
            DeadlineInputStream input = v2.input();
            long handshakeBytes = input.bytesRead();
            try {
                input.deadline(notAfter);
                VersionMessage version;
                try {
                    version = exchange(MessageTransport.v2(protocol), node);
                } catch (IOException e) {
                    throw versionMessageFailure(e, input, handshakeBytes, notAfter);
                }
                return new Result(Transport.V2, Optional.of(protocol.sessionIdHex()), Optional.empty(), version);
            } finally {
                protocol.close();
            }
        }
        String dropped = ((V2HandshakeAttempt.Dropped) outcome).reason();
        try (Socket socket = dial(node, notAfter)) {
            DeadlineInputStream input = new DeadlineInputStream(socket);
            input.deadline(notAfter);
            VersionMessage version = exchange(MessageTransport.v1(input, socket.getOutputStream(), network,
                    new byte[0], socket), node);
            return new Result(Transport.V1_ONLY, Optional.empty(), Optional.of(dropped), version);
        } catch (IOException e) {
            throw new IOException("the node dropped the v2 attempt (" + dropped + ") and the v1 exchange failed: "
                    + e.getMessage(), e);
        }
    }

    /** The version exchange over an established v2 session failed: name the step, the bytes and the likely cause. */
    private V2HandshakeException versionMessageFailure(IOException e, DeadlineInputStream input, long handshakeBytes,
                                                       long notAfter) {
        long after = input.bytesRead() - handshakeBytes;
        String received = "handshake done, then received " + after + " bytes";
        long silentMillis = (System.nanoTime() - input.lastByteNanos()) / 1_000_000;
        String cause;
        if (e instanceof AuthenticationException) {
            cause = "the node's first packet after the handshake failed authentication: what follows its version"
                    + " packet is not a packet of this session (garbage after the version packet, or tampering)";
        } else if (e instanceof OversizeException) {
            cause = "the node's first packet after the handshake announces an oversize length: what follows its"
                    + " version packet is not a packet of this session (garbage after the version packet)";
        } else if (e instanceof SocketTimeoutException && after == 0) {
            cause = "the node sent nothing after the handshake before the " + timeout.toMillis()
                    + " ms deadline: not a node that answers a version message";
        } else if (e instanceof SocketTimeoutException && silentMillis < 250) {
            cause = "the node's first message was still arriving at the " + timeout.toMillis() + " ms deadline"
                    + " (last byte " + silentMillis + " ms before it): the node trickles, or announced a packet far"
                    + " longer than a version message";
        } else if (e instanceof SocketTimeoutException) {
            cause = "the node went silent for " + silentMillis + " ms before completing a packet: garbage after the"
                    + " version packet, or a packet announcing more than it sent";
        } else if (e instanceof EOFException) {
            cause = "the node closed the connection during the version exchange (it may refuse our version, e.g."
                    + " for a network or service mismatch)";
        } else {
            cause = "the version exchange failed";
        }
        return new V2HandshakeException(HandshakeStep.VERSION_MESSAGE, input.bytesRead(), received, cause, e);
    }

    /** Connects within what is left of the deadline; a failure is the {@code connect} step. */
    private Socket dial(InetSocketAddress node, long notAfter) throws IOException {
        Socket socket = new Socket(Proxy.NO_PROXY);
        try {
            long leftMillis = (notAfter - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("the " + timeout.toMillis() + " ms probe deadline passed");
            }
            socket.connect(node, (int) Math.min(Integer.MAX_VALUE, leftMillis));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new V2HandshakeException(HandshakeStep.CONNECT, 0, "nothing received",
                    e instanceof SocketTimeoutException ? "no answer to the connect within the deadline (a"
                            + " firewall dropping packets, or an unreachable host)"
                            : "the connect failed (no node listening on that port, or unreachable)", e);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends our version, answers the node's version with verack, returns the node's version once it acked ours. */
    private VersionMessage exchange(MessageTransport transport, InetSocketAddress node) throws IOException {
        long timestamp = System.currentTimeMillis() / 1000;
        transport.write(new NetworkMessage("version", VersionMessage.probe(random.nextLong(), timestamp).encode(node)));
        VersionMessage theirs = null;
        boolean acked = false;
        for (int i = 0; i < MAX_MESSAGES_BEFORE_VERACK && (theirs == null || !acked); i++) {
            NetworkMessage message = transport.read();
            if (message.command().equals("version") && theirs == null) {
                theirs = VersionMessage.parse(message.copyPayload());
                transport.write(new NetworkMessage("verack", new byte[0]));
            } else if (message.command().equals("verack")) {
                acked = true;
            }
        }
        if (theirs == null || !acked) {
            throw new MalformedMessageException("no version and verack within " + MAX_MESSAGES_BEFORE_VERACK
                    + " messages");
        }
        return theirs;
    }
}

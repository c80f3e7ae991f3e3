package org.bip324shaper.agent.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.agent.v2.DeadlineInputStream;
import org.bip324shaper.agent.v2.V2HandshakeAttempt;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Asks a node which transport it speaks: a BIP-324 handshake as initiator, then the version/verack exchange; if
 * the node drops the v2 attempt before sending its key, the same exchange over a fresh v1 connection. No
 * shaping: a probe is one short exchange. Each step (connect, v2 handshake, version exchange) is bounded by the
 * timeout, so a silent node cannot hold the probe.
 */
public final class NodeProbe {

    /** More messages than any node sends before its verack; a chattier one is not a node we understand. */
    static final int MAX_MESSAGES_BEFORE_VERACK = 64;

    private final Network network;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();

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
     * @throws IOException the node could not be reached, failed the v2 handshake after sending its key, or
     *                     failed the version exchange
     */
    public Result probe(InetSocketAddress node) throws IOException {
        V2HandshakeAttempt.Outcome outcome = V2HandshakeAttempt.attempt(dial(node), network, TrafficConfig.DEFAULT,
                timeout);
        if (outcome instanceof V2HandshakeAttempt.Established v2) {
            ShapedProtocol protocol = v2.protocol();
            try {
                v2.input().deadline(System.nanoTime() + timeout.toNanos());
                VersionMessage version = exchange(MessageTransport.v2(protocol), node);
                return new Result(Transport.V2, Optional.of(protocol.sessionIdHex()), Optional.empty(), version);
            } finally {
                protocol.close();
            }
        }
        String dropped = ((V2HandshakeAttempt.Dropped) outcome).reason();
        try (Socket socket = dial(node)) {
            DeadlineInputStream input = new DeadlineInputStream(socket);
            input.deadline(System.nanoTime() + timeout.toNanos());
            VersionMessage version = exchange(MessageTransport.v1(input, socket.getOutputStream(), network,
                    new byte[0], socket), node);
            return new Result(Transport.V1_ONLY, Optional.empty(), Optional.of(dropped), version);
        } catch (IOException e) {
            throw new IOException("the node dropped the v2 attempt (" + dropped + ") and the v1 exchange failed: "
                    + e.getMessage(), e);
        }
    }

    private Socket dial(InetSocketAddress node) throws IOException {
        Socket socket = new Socket(Proxy.NO_PROXY);
        try {
            socket.connect(node, (int) timeout.toMillis());
            return socket;
        } catch (IOException | RuntimeException e) {
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

package org.bip324shaper.agent.v2;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.bip324shaper.agent.bridge.PeerDialer;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.bridge.UpstreamRequest;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.agent.bridge.V1PassthroughConnector;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.core.trace.FileTraceRecorder;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFallback;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.shaping.TrafficConfig;

/**
 * The BIP-324 upstream: dials the peer, runs the v2 handshake as initiator for the network of the wallet's first
 * message (its magic is part of the key derivation), and then translates between the wallet's v1 frames and v2
 * packets with the configured shaping ({@link V2Session}).
 *
 * <p>v1 fallback, as Bitcoin Core's {@code ShouldReconnectV1}: only a peer that sent nothing at all before it
 * closed, reset or stayed silent for {@link #DEFAULT_V2_TIMEOUT} is redialed with plain v1, and every such
 * downgrade is logged at WARN. A peer that sent anything (even 2 bytes of a key) and then failed is an error, named
 * by step and likely cause ({@link V2HandshakeException}): the wallet's connection is closed. The whole handshake
 * runs inside {@link #open} before the bridge hands the session a single wallet byte, so the v1 redial simply
 * receives the wallet's stream from its first byte: nothing the wallet sent is lost and the wallet notices only
 * the delay. With {@code require-v2=true} no connection falls back. Opt-in ({@code v1-memory=}): a peer that
 * dropped v2 twice in a row is remembered as v1-only ({@link V1OnlyPeers}), so later connections skip the attempt.
 * A wallet stream without a known network magic cannot be v2 (no key derivation salt) and is relayed as v1,
 * untouched.
 *
 * <p>Timing: bitcoinj gives a peer 5 s from connect to the version handshake. The v2 attempt gets at most 2 s, so a
 * fallback still leaves 3 s for the v1 redial and the version exchange.
 */
public final class V2UpstreamConnector implements UpstreamConnector {

    /** How long the peer may take to send its key, and then the rest of the handshake. */
    public static final Duration DEFAULT_V2_TIMEOUT = Duration.ofSeconds(2);

    private final AgentConfig config;
    private final Duration v2Timeout;
    private final V1OnlyPeers v1OnlyPeers;
    private final AgentLog log;
    private final ConnectionEvents events;
    /** Where handshakes take their ephemeral keys; null: each generates its own. */
    private final Supplier<EllSwiftPrivateKey> keys;
    /** Built on first use, not in premain: it loads the shaping classes. */
    private volatile TrafficConfig trafficConfig;

    public V2UpstreamConnector(AgentConfig config, AgentLog log) {
        this(config, log, new ConnectionLogLines(log));
    }

    /** @param events where the v1 fallbacks are reported */
    public V2UpstreamConnector(AgentConfig config, AgentLog log, ConnectionEvents events) {
        this(config, DEFAULT_V2_TIMEOUT, new V1OnlyPeers(config.v1Memory()), log, events);
    }

    /** With our ephemeral keys from {@code keys} (a pool filled ahead of time), not generated per connect. */
    public V2UpstreamConnector(AgentConfig config, AgentLog log, ConnectionEvents events,
                               Supplier<EllSwiftPrivateKey> keys) {
        this(config, DEFAULT_V2_TIMEOUT, new V1OnlyPeers(config.v1Memory()), log, events,
                Objects.requireNonNull(keys, "keys"));
    }

    public V2UpstreamConnector(AgentConfig config, Duration v2Timeout, V1OnlyPeers v1OnlyPeers, AgentLog log) {
        this(config, v2Timeout, v1OnlyPeers, log, new ConnectionLogLines(log), null);
    }

    public V2UpstreamConnector(AgentConfig config, Duration v2Timeout, V1OnlyPeers v1OnlyPeers, AgentLog log,
                               ConnectionEvents events) {
        this(config, v2Timeout, v1OnlyPeers, log, events, null);
    }

    /**
     * @param events where the v1 fallbacks are reported
     * @param keys   where handshakes take their ephemeral keys; null: each generates its own
     */
    public V2UpstreamConnector(AgentConfig config, Duration v2Timeout, V1OnlyPeers v1OnlyPeers, AgentLog log,
                               ConnectionEvents events, Supplier<EllSwiftPrivateKey> keys) {
        this.keys = keys;
        this.config = Objects.requireNonNull(config, "config");
        this.v2Timeout = Objects.requireNonNull(v2Timeout, "v2Timeout");
        if (v2Timeout.isNegative() || v2Timeout.isZero()) {
            throw new IllegalArgumentException("v2 timeout must be positive, got " + v2Timeout);
        }
        this.v1OnlyPeers = Objects.requireNonNull(v1OnlyPeers, "v1OnlyPeers");
        this.log = Objects.requireNonNull(log, "log");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** A file recorder for this connection when {@code trace=DIR} is set; written when the connection ends. */
    private TraceRecorder openTrace(UpstreamRequest request) {
        if (config.traceDir().isEmpty()) {
            return TraceRecorder.NONE;
        }
        String label = "bip324-" + ProcessHandle.current().pid() + "-" + request.connectionId();
        return new FileTraceRecorder(config.traceDir().get().resolve(label + ".trace"), label);
    }

    @Override
    public UpstreamSession open(UpstreamRequest request, PeerDialer dialer) throws IOException {
        InetSocketAddress peer = request.peer();
        String prefix = "#" + request.connectionId() + " ";
        if (request.network().isEmpty()) {
            if (config.requireV2()) {
                throw new IOException("require-v2=true, but the wallet's first bytes carry no known network magic"
                        + " (v2 needs the network)");
            }
            return V1PassthroughConnector.because("unknown network magic: relayed as v1, untouched")
                    .open(request, dialer);
        }
        Network network = request.network().get();
        if (!config.requireV2() && v1OnlyPeers.isV1Only(peer)) {
            log.warn(prefix + "downgrade to plaintext v1 for " + LogFormat.address(peer) + ": it dropped v2 "
                    + V1OnlyPeers.DROPS_TO_REMEMBER + " times in a row within v1-memory=" + minutes(v1OnlyPeers)
                    + " (require-v2=true refuses instead)");
            return V1PassthroughConnector.because("peer dropped v2 " + V1OnlyPeers.DROPS_TO_REMEMBER
                    + " times within the last " + minutes(v1OnlyPeers) + ": v1 without retrying").open(request, dialer);
        }
        long dialStart = System.nanoTime();
        Socket socket;
        try {
            socket = dialer.dial(peer);
        } catch (IOException e) {
            throw new V2HandshakeException(HandshakeStep.CONNECT, 0, "nothing received",
                    "could not connect to the peer (no node listening, unreachable, or a firewall)", e);
        }
        long handshakeStart = System.nanoTime();
        TraceRecorder recorder = openTrace(request);
        V2HandshakeAttempt.Outcome outcome;
        try {
            outcome = V2HandshakeAttempt.attempt(socket, network, trafficConfig(), config.aeadBackend(), v2Timeout,
                    recorder, Long.MAX_VALUE, keys);
        } catch (IOException | RuntimeException e) {
            recorder.close();
            throw e;
        }
        if (outcome instanceof V2HandshakeAttempt.Established established) {
            v1OnlyPeers.recordV2(peer);
            long done = System.nanoTime();
            log.debug("#" + request.connectionId() + " v2 upstream ready: dial " + micros(handshakeStart - dialStart)
                    + " us, handshake " + micros(done - handshakeStart) + " us");
            return new V2Session(established.protocol(), recorder);
        }
        recorder.close();
        String reason = ((V2HandshakeAttempt.Dropped) outcome).reason();
        if (config.requireV2()) {
            throw new IOException("require-v2=true and the v2 attempt was dropped (" + reason + ")");
        }
        boolean remembered = v1OnlyPeers.recordDrop(peer);
        log.warn(prefix + "downgrade to plaintext v1 for " + LogFormat.address(peer) + ": " + reason
                + " (require-v2=true refuses instead)"
                + (remembered ? "; remembered as v1-only for " + minutes(v1OnlyPeers) : ""));
        events.fellBack(new ConnectionFallback(request.connectionId(), peer, reason,
                remembered ? v1OnlyPeers.memory() : java.time.Duration.ZERO));
        return V1PassthroughConnector.because("v1 fallback: " + reason).open(request, dialer);
    }

    private static String minutes(V1OnlyPeers peers) {
        Duration memory = peers.memory();
        return memory.toSeconds() % 60 == 0 ? memory.toMinutes() + " min" : memory.toSeconds() + " s";
    }

    private static long micros(long nanos) {
        return nanos / 1_000;
    }

    private TrafficConfig trafficConfig() {
        TrafficConfig current = trafficConfig;
        if (current == null) {
            current = AgentShaping.trafficConfig(config);
            trafficConfig = current;
        }
        return current;
    }

}

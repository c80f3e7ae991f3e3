package org.bip324shaper.agent.v2;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.bip324shaper.agent.bridge.PeerDialer;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.bridge.UpstreamRequest;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.agent.bridge.V1PassthroughConnector;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.core.trace.FileTraceRecorder;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.shaping.TrafficConfig;

/**
 * The BIP-324 upstream: dials the peer, runs the v2 handshake as initiator for the network of the wallet's first
 * message (its magic is part of the key derivation), and then translates between the wallet's v1 frames and v2
 * packets with the configured shaping ({@link V2Session}).
 *
 * <p>v1 fallback: a peer that drops the attempt before its key arrives (closes, resets, or sends nothing within
 * {@link #DEFAULT_V2_TIMEOUT}) is redialed with plain v1 and remembered as v1-only for a while
 * ({@link V1OnlyPeers}), so later connections to it skip the attempt. The whole handshake runs inside
 * {@link #open} before the bridge hands the session a single wallet byte, so the v1 redial simply receives the
 * wallet's stream from its first byte: nothing the wallet sent is lost and the wallet notices only the delay.
 * With {@code require-v2=true} such a connection is closed instead. A wallet stream without a known network magic
 * cannot be v2 (no key derivation salt) and is relayed as v1, untouched.
 *
 * <p>Timing: bitcoinj gives a peer 5 s from connect to the version handshake. The v2 attempt gets at most 2 s, so a
 * fallback still leaves 3 s for the v1 redial and the version exchange.
 */
public final class V2UpstreamConnector implements UpstreamConnector {

    /** How long the whole v2 handshake may take before the peer counts as not speaking v2 (if it sent no key). */
    public static final Duration DEFAULT_V2_TIMEOUT = Duration.ofSeconds(2);

    private final AgentConfig config;
    private final Duration v2Timeout;
    private final V1OnlyPeers v1OnlyPeers;
    private final AgentLog log;
    /** Built on first use, not in premain: it loads the shaping classes. */
    private volatile TrafficConfig trafficConfig;

    public V2UpstreamConnector(AgentConfig config, AgentLog log) {
        this(config, DEFAULT_V2_TIMEOUT, new V1OnlyPeers(), log);
    }

    public V2UpstreamConnector(AgentConfig config, Duration v2Timeout, V1OnlyPeers v1OnlyPeers, AgentLog log) {
        this.config = Objects.requireNonNull(config, "config");
        this.v2Timeout = Objects.requireNonNull(v2Timeout, "v2Timeout");
        if (v2Timeout.isNegative() || v2Timeout.isZero()) {
            throw new IllegalArgumentException("v2 timeout must be positive, got " + v2Timeout);
        }
        this.v1OnlyPeers = Objects.requireNonNull(v1OnlyPeers, "v1OnlyPeers");
        this.log = Objects.requireNonNull(log, "log");
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
            return V1PassthroughConnector.because("peer dropped v2 within the last "
                    + v1OnlyPeers.memory().toMinutes() + " min: v1 without retrying").open(request, dialer);
        }
        Socket socket = dialer.dial(peer);
        TraceRecorder recorder = openTrace(request);
        V2HandshakeAttempt.Outcome outcome;
        try {
            outcome = V2HandshakeAttempt.attempt(socket, network, trafficConfig(), v2Timeout, recorder);
        } catch (SocketTimeoutException e) {
            recorder.close();
            throw new IOException("v2 handshake: the peer sent its key but did not finish within "
                    + v2Timeout.toMillis() + " ms (a peer on another network never finds our garbage terminator)",
                    e);
        } catch (IOException e) {
            recorder.close();
            throw new IOException("v2 handshake failed after the peer's key arrived: " + describe(e), e);
        }
        if (outcome instanceof V2HandshakeAttempt.Established established) {
            return new V2Session(established.protocol(), recorder);
        }
        recorder.close();
        String reason = ((V2HandshakeAttempt.Dropped) outcome).reason();
        if (config.requireV2()) {
            throw new IOException("require-v2=true and the v2 attempt was dropped (" + reason + ")");
        }
        v1OnlyPeers.remember(peer);
        log.debug("#" + request.connectionId() + " " + LogFormat.address(peer) + " remembered as v1-only for "
                + v1OnlyPeers.memory().toMinutes() + " min");
        return V1PassthroughConnector.because("v1 fallback: " + reason).open(request, dialer);
    }

    private TrafficConfig trafficConfig() {
        TrafficConfig current = trafficConfig;
        if (current == null) {
            current = AgentShaping.trafficConfig(config);
            trafficConfig = current;
        }
        return current;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

package org.bip324shaper.driver;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.shaping.MonotonicClock;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.TraceRecorder;

/**
 * How to run one shaped connection, for either driver ({@link ShapedProtocol}, {@link AsyncShapedProtocol}): role and
 * network are required, the rest has safe defaults (no shaping, the system clock, no trace, a 10 s handshake timeout).
 * A driver reads the options once, when it starts, so one instance may be reused for many connections.
 *
 * <pre>{@code
 * ConnectionOptions options = ConnectionOptions.of(Role.INITIATOR, Network.MAINNET)
 *         .config(TrafficConfig.builder().padding(PaddingStrategy.RANDOM).build());
 * }</pre>
 */
public final class ConnectionOptions {
    private final Role role;
    private final Network network;
    private TrafficConfig config = TrafficConfig.DEFAULT;
    private MonotonicClock clock = MonotonicClock.system();
    private TraceRecorder recorder = TraceRecorder.NONE;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private AeadBackend aead = AeadBackend.preferred();
    private Duration closeLinger = DEFAULT_CLOSE_LINGER;

    /**
     * How long a graceful close waits, by default, for the socket to take what is still unsent. Closing releases
     * everything a strategy holds at once, so this only covers a slow or stalled peer.
     */
    public static final Duration DEFAULT_CLOSE_LINGER = Duration.ofSeconds(2);
    private Supplier<EllSwiftPrivateKey> keys;
    /** Null: the common pool. */
    private Executor keyWorkExecutor;

    private ConnectionOptions(Role role, Network network) {
        this.role = Objects.requireNonNull(role, "role");
        this.network = Objects.requireNonNull(network, "network");
    }

    public static ConnectionOptions of(Role role, Network network) {
        return new ConnectionOptions(role, network);
    }

    public ConnectionOptions config(TrafficConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return this;
    }

    public ConnectionOptions clock(MonotonicClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    public ConnectionOptions recorder(TraceRecorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        return this;
    }

    /**
     * For sockets and channels (default 10 s): {@link AsyncShapedProtocol} fails a handshake that takes longer in
     * all; {@link ShapedProtocol} over a socket fails one whose peer stays silent this long (a read timeout).
     */
    public ConnectionOptions handshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
        }
        this.handshakeTimeout = timeout;
        return this;
    }

    /**
     * The ChaCha20-Poly1305 implementation (default {@link AeadBackend#preferred()}). Core reads no system
     * property: an application or the agent passes its configured choice here.
     */
    public ConnectionOptions aead(AeadBackend backend) {
        this.aead = Objects.requireNonNull(backend, "backend");
        return this;
    }

    public AeadBackend aead() {
        return aead;
    }

    /**
     * The longest a graceful {@code close()} waits for the socket to take the messages still unsent (default
     * {@link #DEFAULT_CLOSE_LINGER}). Whatever is unsent after it is dropped, counted and reported by the driver's
     * {@code undelivered()}.
     */
    public ConnectionOptions closeLinger(Duration linger) {
        Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("close linger must not be negative, got " + linger);
        }
        this.closeLinger = linger;
        return this;
    }

    public Duration closeLinger() {
        return closeLinger;
    }

    /**
     * Where each connection takes its ephemeral key from (default: generated when the connection starts), e.g. a
     * pool filled ahead of time, to keep key generation off the connect path. Every call must return a fresh key;
     * the connection destroys it when its handshake ends.
     */
    public ConnectionOptions keys(Supplier<EllSwiftPrivateKey> keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
        return this;
    }

    /**
     * Where {@link AsyncShapedProtocol} runs its key generation and ECDH, off the channel group's threads (default
     * {@link ForkJoinPool#commonPool()}: the work is short, CPU-bound and never blocks, which is what that pool is
     * for). {@link ShapedProtocol} does its key work on the connecting thread and ignores this.
     */
    public ConnectionOptions keyWorkExecutor(Executor executor) {
        this.keyWorkExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    public Executor keyWorkExecutor() {
        return keyWorkExecutor != null ? keyWorkExecutor : ForkJoinPool.commonPool();
    }

    public Role role() {
        return role;
    }

    public Network network() {
        return network;
    }

    public TrafficConfig config() {
        return config;
    }

    public MonotonicClock clock() {
        return clock;
    }

    public TraceRecorder recorder() {
        return recorder;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** A fresh engine for one connection with these options, its key work inline or handed out as tasks. */
    ShapedEngine newEngine(boolean delegateKeyWork) {
        ShapedEngine.Builder engine = ShapedEngine.builder(role, network).config(config).clock(clock).recorder(recorder)
                .aead(aead).delegateKeyWork(delegateKeyWork);
        if (keys != null) {
            engine.privateKey(Objects.requireNonNull(keys.get(), "key from the key supplier"));
        }
        return engine.build();
    }

    @Override
    public String toString() {
        return "ConnectionOptions[" + role + ", " + network.id() + ", " + config + ", " + aead + ", handshake timeout "
                + handshakeTimeout + ", close linger " + closeLinger + "]";
    }
}

package org.bip324shaper.agent.intercept;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.bridge.PeerDialer;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.events.ConnectionEventHub;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.jmx.AgentStatus;
import org.bip324shaper.agent.jmx.RegisterOnFirstEvent;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.v2.EphemeralKeyPool;
import org.bip324shaper.agent.v2.HandshakeWarmUp;
import org.bip324shaper.agent.v2.V2UpstreamConnector;

/**
 * Wires the agent together in two steps. premain only registers the {@link ConnectWeaver} and schedules the key
 * pool; everything else waits for the JVM to load one of the two socket classes, or for the key pool's warm-up
 * (after its delay) to load them: then {@link #activate} puts the dispatcher on the boot class path, grants the
 * module access the woven code needs and installs the hook. The hook's bridge, policy and socket internals are
 * built by that warm-up too, or on the first connect if it comes earlier ({@link DeferredHook}). The bridge's
 * upstream is the BIP-324 {@link V2UpstreamConnector}.
 */
public final class AgentInstaller {

    static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The warm-up (connect path, handshake, then the key pool) starts this long after premain: past a short
     * program's whole life (a hello world ends within about 110 ms), and before a wallet's first connect (bitcoinj
     * reaches PeerGroup.start() 500-700 ms in). A connect that comes earlier ends the wait.
     */
    static final Duration KEY_POOL_DELAY = Duration.ofMillis(200);

    private final AgentConfig config;
    private final Instrumentation instrumentation;
    private final AgentLog log;
    private final EphemeralKeyPool keys = new EphemeralKeyPool(EphemeralKeyPool.DEFAULT_CAPACITY);
    /** Guarded by this: null until the first activation attempt, then whether the woven code may be used. */
    private Boolean active;
    /** Guarded by this: builds the hook ahead of the first connect, once activated. */
    private Runnable prepareHook;

    private AgentInstaller(AgentConfig config, Instrumentation instrumentation, AgentLog log) {
        this.config = config;
        this.instrumentation = instrumentation;
        this.log = log;
    }

    /** Registers the interception; throws if that fails (the caller fails open). */
    public static void install(AgentConfig config, Instrumentation instrumentation, AgentLog log)
            throws UnmodifiableClassException {
        AgentInstaller installer = new AgentInstaller(config, instrumentation, log);
        ConnectWeaver.install(instrumentation, installer, log);
        Runnable handshake = new HandshakeWarmUp();
        installer.keys.start(KEY_POOL_DELAY, new Runnable() { // no lambda bootstrap in premain
            @Override
            public void run() {
                installer.warmUpConnectPath();
                handshake.run();
            }
        });
    }

    /**
     * Off the program's threads, after the key pool's delay: loads the two socket classes (so that their weaving
     * and the activation happen here, not in the program's first connect) and builds the hook. That was 35-45 ms
     * of a first connect, redirected or not.
     */
    void warmUpConnectPath() {
        try {
            Class.forName(ConnectWeaver.SOCKET_CHANNEL_IMPL.replace('/', '.'), false, null);
            Class.forName(ConnectWeaver.SOCKET.replace('/', '.'), false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return; // the weaving then happens, or fails, when the program loads them
        }
        Runnable prepare;
        synchronized (this) {
            prepare = Boolean.TRUE.equals(active) ? prepareHook : null;
        }
        if (prepare != null) {
            prepare.run();
        }
    }

    /**
     * Called by the weaver before it weaves the first class: readies everything the woven code calls. Returns
     * whether it may weave; a failure disables the agent with one error line, and the JVM runs uninstrumented.
     */
    synchronized boolean activate() {
        if (active != null) {
            return active;
        }
        active = false;
        try {
            log.debug("dispatcher " + BootstrapInjector.inject(instrumentation));
            // only now may a class naming the dispatcher's types load, so they resolve to the boot loader's copies
            prepareHook = HookInstallation.install(instrumentation, config, log, keys);
            if (prepareHook == null) {
                log.warn("agent already active in this JVM; this copy does nothing");
                return false;
            }
            active = true;
            log.info("agent active: " + config.toAgentArgs() + " upstream=" + (config.requireV2() ? "v2-only"
                    : "v2 (v1 fallback after " + V2UpstreamConnector.DEFAULT_V2_TIMEOUT.toMillis() + " ms)"));
        } catch (Throwable t) {
            log.error("agent disabled, connections stay plain v1: " + t);
        }
        return active;
    }

    /** The hook with everything behind it; runs on the first connect. */
    static RedirectingConnectHook buildHook(AgentConfig config, AgentLog log, EphemeralKeyPool keys) {
        Optional<JdkSocketInternals> socketInternals;
        try {
            socketInternals = Optional.of(JdkSocketInternals.load());
        } catch (ReflectiveOperationException e) {
            log.warn("java.net.Socket connects will not be intercepted (cannot see its proxy settings): " + e);
            socketInternals = Optional.empty();
        }
        ConnectionEventHub events = connectionEvents(config, log);
        Bridge bridge = new Bridge(upstreamFor(config, log, events, keys), new BypassingDialer(PEER_CONNECT_TIMEOUT), log,
                events, config.normalize());
        // an anonymous class, not a method reference: no lambda bootstrap while the wallet waits to start
        Predicate<InetSocketAddress> isBridge = new Predicate<>() {
            @Override
            public boolean test(InetSocketAddress address) {
                return bridge.isBridgeAddress(address);
            }
        };
        return new RedirectingConnectHook(RedirectPolicy.of(config, isBridge), bridge, socketInternals, log);
    }

    /** The BIP-324 upstream, falling back to v1 for peers without it unless {@code require-v2=true}. */
    private static UpstreamConnector upstreamFor(AgentConfig config, AgentLog log, ConnectionEvents events,
                                                 EphemeralKeyPool keys) {
        return new V2UpstreamConnector(config, log, events, keys);
    }

    /** Log lines, and the MBean (registered at the first connection, off its thread) unless {@code jmx=false}. */
    private static ConnectionEventHub connectionEvents(AgentConfig config, AgentLog log) {
        ConnectionEventHub events = new ConnectionEventHub(new ConnectionLogLines(log));
        if (config.jmx()) {
            events.subscribe(new RegisterOnFirstEvent(new AgentStatus("agent", config.toAgentArgs()), log));
        }
        return events;
    }
}

package org.bip324shaper.agent.intercept;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.bip324shaper.agent.bootstrap.ConnectDispatcher;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.bridge.PeerDialer;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.bridge.UpstreamRequest;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.agent.bridge.V1PassthroughConnector;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.log.AgentLog;

/**
 * Wires the agent together once the dispatcher is on the boot class path: module access, bridge, hook, advice.
 * This is where the BIP-324 v2 {@link UpstreamConnector} will replace the v1 passthrough.
 */
public final class AgentInstaller {

    static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private AgentInstaller() {
    }

    /** Installs the interception; throws if that fails (the caller fails open). */
    public static void install(AgentConfig config, Instrumentation instrumentation, AgentLog log)
            throws UnmodifiableClassException {
        openJavaBase(instrumentation);
        Optional<JdkSocketInternals> socketInternals;
        try {
            socketInternals = Optional.of(JdkSocketInternals.load());
        } catch (ReflectiveOperationException e) {
            log.warn("java.net.Socket connects will not be intercepted (cannot see its proxy settings): " + e);
            socketInternals = Optional.empty();
        }
        Bridge bridge = new Bridge(upstreamFor(config, log), new BypassingDialer(PEER_CONNECT_TIMEOUT), log);
        // an anonymous class, not a method reference: no lambda bootstrap while the wallet waits to start
        Predicate<InetSocketAddress> isBridge = new Predicate<>() {
            @Override
            public boolean test(InetSocketAddress address) {
                return bridge.isBridgeAddress(address);
            }
        };
        RedirectingConnectHook hook = new RedirectingConnectHook(RedirectPolicy.of(config, isBridge), bridge,
                socketInternals, log);
        if (!ConnectDispatcher.install(hook)) {
            log.warn("agent already active in this JVM; this copy does nothing");
            return;
        }
        Interception.install(instrumentation, log);
        log.info("agent active: " + config.toAgentArgs() + " upstream=v1-passthrough (BIP-324 v2 not wired in yet)");
    }

    private static UpstreamConnector upstreamFor(AgentConfig config, AgentLog log) {
        if (!config.requireV2()) {
            return new V1PassthroughConnector();
        }
        log.warn("require-v2=true but this agent has no v2 transport yet: intercepted connections will be refused");
        return new UpstreamConnector() {
            @Override
            public UpstreamSession open(UpstreamRequest request, PeerDialer dialer) throws IOException {
                throw new IOException("require-v2=true and no v2 transport is available");
            }
        };
    }

    /**
     * Lets java.base (where the advice is inlined) read the boot loader's unnamed module that holds the
     * dispatcher, and opens java.net to this agent for {@link JdkSocketInternals}.
     */
    private static void openJavaBase(Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        Module agent = AgentInstaller.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(ConnectDispatcher.class.getModule()), Map.of(),
                Map.of("java.net", Set.of(agent)), Set.of(), Map.of());
    }
}

package org.bip324shaper.agent.intercept;

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
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.v2.V2UpstreamConnector;

/**
 * Wires the agent together once the dispatcher is on the boot class path: module access, bridge, hook, advice.
 * The bridge's upstream is the BIP-324 {@link V2UpstreamConnector}.
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
        Bridge bridge = new Bridge(upstreamFor(config, log), new BypassingDialer(PEER_CONNECT_TIMEOUT), log,
                config.normalize());
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
        log.info("agent active: " + config.toAgentArgs() + " upstream=" + (config.requireV2() ? "v2-only"
                : "v2 (v1 fallback after " + V2UpstreamConnector.DEFAULT_V2_TIMEOUT.toMillis() + " ms)"));
    }

    /** The BIP-324 upstream, falling back to v1 for peers without it unless {@code require-v2=true}. */
    private static UpstreamConnector upstreamFor(AgentConfig config, AgentLog log) {
        return new V2UpstreamConnector(config, log);
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

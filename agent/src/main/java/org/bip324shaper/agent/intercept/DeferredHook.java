package org.bip324shaper.agent.intercept;

import java.net.SocketAddress;
import org.bip324shaper.agent.bootstrap.ConnectHook;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.v2.EphemeralKeyPool;

/**
 * The hook premain installs: builds the real {@link RedirectingConnectHook} (bridge, policy, socket internals)
 * when the agent's warm-up gets to it ({@link #prepare}), or on the first connect if that comes first, so start-up
 * loads none of it. Building it opens nothing: the bridge listens from its first redirected connect.
 */
final class DeferredHook implements ConnectHook {

    private final AgentConfig config;
    private final AgentLog log;
    private final EphemeralKeyPool keys;
    private volatile RedirectingConnectHook hook;

    DeferredHook(AgentConfig config, AgentLog log, EphemeralKeyPool keys) {
        this.config = config;
        this.log = log;
        this.keys = keys;
    }

    @Override
    public SocketAddress beforeConnect(Object socket, SocketAddress target) {
        return hook().beforeConnect(socket, target);
    }

    @Override
    public void afterConnect(Object socket, SocketAddress realPeer, Throwable thrown) {
        RedirectingConnectHook built = hook;
        if (built != null) { // only a connect that went through beforeConnect gets here
            built.afterConnect(socket, realPeer, thrown);
        }
    }

    /** Builds the hook now, off any connect (the agent's warm-up); a connect meanwhile waits for it. */
    void prepare() {
        build("by the warm-up, before any connect");
    }

    private RedirectingConnectHook hook() {
        RedirectingConnectHook built = hook;
        return built != null ? built : build("on the first connect");
    }

    private synchronized RedirectingConnectHook build(String when) {
        RedirectingConnectHook built = hook;
        if (built == null) {
            built = AgentInstaller.buildHook(config, log, keys);
            hook = built;
            log.debug("connect hook built " + when);
        }
        return built;
    }
}

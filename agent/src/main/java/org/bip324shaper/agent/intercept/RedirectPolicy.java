package org.bip324shaper.agent.intercept;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.intercept.RedirectDecision.Pass;
import org.bip324shaper.agent.intercept.RedirectDecision.Reason;
import org.bip324shaper.agent.intercept.RedirectDecision.Redirect;

/**
 * Decides which connects go to the bridge: only resolved IP destinations on a configured port, loopback ones
 * only if enabled, never a proxied socket and never the bridge itself. Cheap checks come first because every
 * connect in the JVM passes through here.
 */
public final class RedirectPolicy {

    private static final Pass NOT_INET = new Pass(Reason.NOT_INET);
    private static final Pass PORT_NOT_SELECTED = new Pass(Reason.PORT_NOT_SELECTED);
    private static final Pass UNRESOLVED = new Pass(Reason.UNRESOLVED);
    private static final Pass LOOPBACK_NOT_ENABLED = new Pass(Reason.LOOPBACK_NOT_ENABLED);
    private static final Pass PROXIED = new Pass(Reason.PROXIED);
    private static final Pass BRIDGE_ITSELF = new Pass(Reason.BRIDGE_ITSELF);

    private final Set<Integer> ports;
    private final boolean loopback;
    private final Predicate<InetSocketAddress> isBridge;

    /**
     * @param isBridge whether an address is the bridge's own listening address
     */
    public RedirectPolicy(Set<Integer> ports, boolean loopback, Predicate<InetSocketAddress> isBridge) {
        this.ports = Set.copyOf(ports);
        this.loopback = loopback;
        this.isBridge = Objects.requireNonNull(isBridge, "isBridge");
    }

    public static RedirectPolicy of(AgentConfig config, Predicate<InetSocketAddress> isBridge) {
        return new RedirectPolicy(config.ports(), config.loopback(), isBridge);
    }

    /**
     * @param target   what the caller connects to
     * @param proxied  whether the socket would reach {@code target} through a proxy; asked only when it matters
     */
    public RedirectDecision decide(SocketAddress target, BooleanSupplier proxied) {
        if (!(target instanceof InetSocketAddress inet)) {
            return NOT_INET;
        }
        if (!ports.contains(inet.getPort())) {
            return PORT_NOT_SELECTED;
        }
        InetAddress host = inet.getAddress();
        if (host == null) {
            return UNRESOLVED;
        }
        if (isBridge.test(inet)) {
            return BRIDGE_ITSELF;
        }
        // the JDK turns a connect to the wildcard address into one to the local host
        if (!loopback && (host.isLoopbackAddress() || host.isAnyLocalAddress())) {
            return LOOPBACK_NOT_ENABLED;
        }
        if (proxied.getAsBoolean()) {
            return PROXIED;
        }
        return new Redirect(inet);
    }
}

package org.bip324shaper.agent.intercept;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.agent.bootstrap.ConnectHook;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.intercept.RedirectDecision.Pass;
import org.bip324shaper.agent.intercept.RedirectDecision.Reason;
import org.bip324shaper.agent.intercept.RedirectDecision.Redirect;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;

/**
 * The agent's side of the connect hook: for a connect the {@link RedirectPolicy} selects, binds the wallet's
 * socket to an ephemeral port (so the bridge can recognise it), registers the pairing and swaps the target for
 * the bridge's address; after a successful connect, makes the socket report the real peer again.
 */
final class RedirectingConnectHook implements ConnectHook {

    /** The redirect in flight on this thread, from connect entry to exit (connects do not nest). */
    private static final ThreadLocal<InFlight> IN_FLIGHT = new ThreadLocal<>();

    private record InFlight(Bridge.Expected expected, int walletPort) {
    }

    private final RedirectPolicy policy;
    private final Bridge bridge;
    private final Optional<JdkSocketInternals> socketInternals;
    private final AgentLog log;

    RedirectingConnectHook(RedirectPolicy policy, Bridge bridge, Optional<JdkSocketInternals> socketInternals,
                           AgentLog log) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.bridge = Objects.requireNonNull(bridge, "bridge");
        this.socketInternals = Objects.requireNonNull(socketInternals, "socketInternals");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public SocketAddress beforeConnect(Object socket, SocketAddress target) {
        if (Bypass.isActive()) {
            return target;
        }
        try {
            RedirectDecision decision = policy.decide(target, () -> mayUseProxy(socket, target));
            if (decision instanceof Pass pass) {
                if (pass.reason() != Reason.NOT_INET && pass.reason() != Reason.PORT_NOT_SELECTED) {
                    log.debug("not redirecting " + LogFormat.address(target) + ": " + pass.reason());
                }
                return target;
            }
            InetSocketAddress peer = ((Redirect) decision).peer();
            InetSocketAddress walletLocal = bindEphemeral(socket);
            Bridge.Expected expected = bridge.expect(walletLocal, peer);
            IN_FLIGHT.set(new InFlight(expected, walletLocal.getPort()));
            log.debug("#" + expected.connectionId() + " redirect " + LogFormat.address(peer) + " -> bridge "
                    + LogFormat.address(expected.bridgeAddress()) + " from local port " + walletLocal.getPort());
            return expected.bridgeAddress();
        } catch (IOException | RuntimeException e) {
            log.warn("connect to " + LogFormat.address(target) + " not redirected (goes direct, v1): " + e);
            return target;
        }
    }

    @Override
    public void afterConnect(Object socket, SocketAddress realPeer, Throwable thrown) {
        InFlight inFlight = IN_FLIGHT.get();
        IN_FLIGHT.remove();
        if (thrown != null) {
            if (inFlight != null) {
                bridge.cancel(inFlight.expected(), inFlight.walletPort());
            }
            return;
        }
        // SocketChannel's remote address is restored by the advice itself; java.net.Socket's needs its impl
        if (socket instanceof Socket plain && socketInternals.isPresent()) {
            try {
                socketInternals.get().reportRemote(plain, (InetSocketAddress) realPeer);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("socket keeps reporting the bridge as its remote address: " + e);
            }
        }
    }

    private boolean mayUseProxy(Object socket, SocketAddress target) {
        if (!(socket instanceof Socket plain)) {
            return false; // NIO channels never use proxies
        }
        // without the internals we cannot tell, and guessing "direct" could bypass the wallet's proxy
        return socketInternals.map(internals -> internals.mayUseProxy(plain, (InetSocketAddress) target))
                .orElse(true);
    }

    /** Binds an unbound socket to the wildcard address and an ephemeral port; returns its local address. */
    static InetSocketAddress bindEphemeral(Object socket) throws IOException {
        if (socket instanceof SocketChannel channel) {
            if (channel.getLocalAddress() == null) {
                channel.bind(null);
            }
            return (InetSocketAddress) channel.getLocalAddress();
        }
        if (socket instanceof Socket plain) {
            if (!plain.isBound()) {
                plain.bind(null);
            }
            return (InetSocketAddress) plain.getLocalSocketAddress();
        }
        throw new IllegalArgumentException("not a socket: " + socket.getClass().getName());
    }
}

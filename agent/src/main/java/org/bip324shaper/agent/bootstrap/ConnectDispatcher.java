package org.bip324shaper.agent.bootstrap;

import java.net.SocketAddress;

/**
 * The only agent code that JDK classes call. It is injected into the bootstrap class loader because advice
 * inlined into {@code java.base} can only see bootstrap classes; it forwards to a {@link ConnectHook} that the
 * agent installs, and fails open: whatever goes wrong in the hook, the original connect proceeds untouched.
 *
 * <p>Keep this class tiny and free of other dependencies: everything it references must also be on the boot path.
 */
public final class ConnectDispatcher {

    private static volatile ConnectHook hook;

    private ConnectDispatcher() {
    }

    /** Installs the hook once; returns false (and changes nothing) if one is already installed. */
    public static synchronized boolean install(ConnectHook newHook) {
        if (newHook == null) {
            throw new NullPointerException("hook");
        }
        if (hook != null) {
            return false;
        }
        hook = newHook;
        return true;
    }

    /** Called from advice on connect entry: returns the address to really connect to. */
    public static SocketAddress beforeConnect(Object socket, SocketAddress target) {
        ConnectHook current = hook;
        if (current == null || target == null) {
            return target;
        }
        try {
            SocketAddress replacement = current.beforeConnect(socket, target);
            return replacement == null ? target : replacement;
        } catch (Throwable t) {
            return target;
        }
    }

    /** Called from advice on exit of a connect whose target {@link #beforeConnect} replaced. */
    public static void afterConnect(Object socket, SocketAddress realPeer, Throwable thrown) {
        ConnectHook current = hook;
        if (current == null) {
            return;
        }
        try {
            current.afterConnect(socket, realPeer, thrown);
        } catch (Throwable ignored) {
            // fail open: the connection works, at worst it reports the bridge as its remote address
        }
    }
}

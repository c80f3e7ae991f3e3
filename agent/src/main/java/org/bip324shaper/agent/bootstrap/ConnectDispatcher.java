package org.bip324shaper.agent.bootstrap;

import java.net.SocketAddress;

/**
 * The only agent code that JDK classes call. It is injected into the bootstrap class loader because code woven
 * into {@code java.base} can only see bootstrap classes; it forwards to a {@link ConnectHook} that the agent
 * installs, and fails open: whatever goes wrong in the hook, the original connect proceeds untouched.
 *
 * <p>A woven connect calls {@link #beforeConnect} on entry and, on every exit, {@link #afterConnect} (a channel
 * first takes its reported remote address from {@link #reportedRemote}). The real peer of a redirected connect
 * is kept per thread in between, so the woven code needs no local variable of its own (connects do not nest).
 *
 * <p>Keep this class tiny and free of other dependencies: everything it references must also be on the boot path.
 */
public final class ConnectDispatcher {

    private static volatile ConnectHook hook;
    /** The real peer of the redirected connect running on this thread, from entry to exit. */
    private static final ThreadLocal<SocketAddress> REDIRECTED = new ThreadLocal<>();

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

    /** Called on connect entry: returns the address to really connect to. */
    public static SocketAddress beforeConnect(Object socket, SocketAddress target) {
        ConnectHook current = hook;
        if (current == null || target == null) {
            return target;
        }
        try {
            SocketAddress replacement = current.beforeConnect(socket, target);
            if (replacement == null || replacement == target) {
                return target;
            }
            REDIRECTED.set(target);
            return replacement;
        } catch (Throwable t) {
            return target;
        }
    }

    /**
     * Called on normal exit of a channel connect, before {@link #afterConnect}: the remote address the channel
     * should report, the real peer if this connect was redirected, else {@code current} unchanged.
     */
    public static SocketAddress reportedRemote(SocketAddress current) {
        SocketAddress realPeer = REDIRECTED.get();
        return realPeer == null ? current : realPeer;
    }

    /** Called on every exit of a connect; {@code thrown} is what it threw, or null. */
    public static void afterConnect(Object socket, Throwable thrown) {
        SocketAddress realPeer = REDIRECTED.get();
        if (realPeer == null) {
            return;
        }
        REDIRECTED.remove();
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

package org.bip324shaper.agent.intercept;

import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import org.bip324shaper.agent.bootstrap.ConnectDispatcher;

/**
 * Inlined into {@code java.net.Socket.connect(SocketAddress, int)}, which every plain socket connect reaches
 * (the one-argument overload and the connecting constructors call it). May reference JDK types and the bootstrap
 * dispatcher only.
 */
final class SocketConnectAdvice {

    private SocketConnectAdvice() {
    }

    @Advice.OnMethodEnter
    static SocketAddress enter(@Advice.This Object socket,
                               @Advice.Argument(value = 0, readOnly = false) SocketAddress target) {
        SocketAddress replacement = ConnectDispatcher.beforeConnect(socket, target);
        if (replacement == target) {
            return null;
        }
        SocketAddress realPeer = target;
        target = replacement;
        return realPeer;
    }

    /** The hook rewrites the socket's reported remote address (it lives in the SocketImpl, out of reach here). */
    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.This Object socket,
                     @Advice.Enter SocketAddress realPeer,
                     @Advice.Thrown Throwable thrown) {
        if (realPeer != null) {
            ConnectDispatcher.afterConnect(socket, realPeer, thrown);
        }
    }
}

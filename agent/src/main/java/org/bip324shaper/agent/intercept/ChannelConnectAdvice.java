package org.bip324shaper.agent.intercept;

import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import org.bip324shaper.agent.bootstrap.ConnectDispatcher;

/**
 * Inlined into {@code sun.nio.ch.SocketChannelImpl.connect(SocketAddress)} and
 * {@code blockingConnect(SocketAddress, long)} (the latter serves {@code channel.socket().connect(...)}).
 * Being copied into {@code java.base}, it may reference JDK types and the bootstrap dispatcher only.
 */
final class ChannelConnectAdvice {

    private ChannelConnectAdvice() {
    }

    /** Swaps the target for the bridge if the hook says so; returns the real peer then, else null. */
    @Advice.OnMethodEnter
    static SocketAddress enter(@Advice.This Object channel,
                               @Advice.Argument(value = 0, readOnly = false) SocketAddress target) {
        SocketAddress replacement = ConnectDispatcher.beforeConnect(channel, target);
        if (replacement == target) {
            return null;
        }
        SocketAddress realPeer = target;
        target = replacement;
        return realPeer;
    }

    /**
     * Puts the real peer back into the channel's remote-address field, so getRemoteAddress() (and the socket
     * adaptor's getInetAddress()/getPort()) never show the bridge. The field is set once per connect attempt
     * and not touched by finishConnect, so this also holds for a pending non-blocking connect.
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.This Object channel,
                     @Advice.Enter SocketAddress realPeer,
                     @Advice.Thrown Throwable thrown,
                     @Advice.FieldValue(value = "remoteAddress", readOnly = false) SocketAddress remoteAddress) {
        if (realPeer != null) {
            if (thrown == null) {
                remoteAddress = realPeer;
            }
            ConnectDispatcher.afterConnect(channel, realPeer, thrown);
        }
    }
}

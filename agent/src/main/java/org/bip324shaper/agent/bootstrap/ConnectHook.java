package org.bip324shaper.agent.bootstrap;

import java.net.SocketAddress;

/**
 * What the woven connect methods call through {@link ConnectDispatcher}. Lives on the bootstrap class path
 * with the dispatcher, so it may only mention JDK types; the implementation lives in the agent's own loader.
 */
public interface ConnectHook {

    /**
     * Called on entry of a hooked connect method.
     *
     * @param socket the {@code java.net.Socket} or {@code SocketChannel} being connected
     * @param target what the caller asked to connect to
     * @return the address to connect to instead, or {@code target} itself to leave the call alone
     */
    SocketAddress beforeConnect(Object socket, SocketAddress target) throws Exception;

    /**
     * Called on exit of a connect that {@link #beforeConnect} redirected.
     *
     * @param realPeer the caller's original target
     * @param thrown what connect threw, or null
     */
    void afterConnect(Object socket, SocketAddress realPeer, Throwable thrown) throws Exception;
}

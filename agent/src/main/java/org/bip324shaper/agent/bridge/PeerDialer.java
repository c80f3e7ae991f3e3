package org.bip324shaper.agent.bridge;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Opens the real TCP connection to a peer. Upstream transports must dial through this and never with a bare
 * {@code new Socket(...)}: the agent's own dial has to bypass the connect redirection, or it would loop back
 * into the bridge.
 */
@FunctionalInterface
public interface PeerDialer {

    /** A connected socket to {@code peer}; the caller owns (and closes) it. */
    Socket dial(InetSocketAddress peer) throws IOException;
}

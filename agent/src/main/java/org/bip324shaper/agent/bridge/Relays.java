package org.bip324shaper.agent.bridge;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.log.AgentLog;

/**
 * The bridge's relay for a client socket that arrived another way than a redirected connect (the SOCKS5 proxy):
 * the same first-bytes wait, upstream, pumps and events as the agent's connections.
 */
public final class Relays {

    private Relays() {
    }

    /**
     * A task that relays {@code client} to {@code peer} until either side ends, then closes {@code client}; run it
     * on a thread of its own.
     */
    public static Runnable bridged(long connectionId, Socket client, InetSocketAddress peer,
                                   UpstreamConnector connector, PeerDialer dialer, AgentLog log,
                                   ConnectionEvents events) {
        return new BridgedConnection(connectionId, client, peer, connector, dialer, log, events);
    }
}

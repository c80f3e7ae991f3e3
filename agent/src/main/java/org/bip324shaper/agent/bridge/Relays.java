package org.bip324shaper.agent.bridge;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.log.AgentLog;

/**
 * The bridge's relay for a client socket that arrived another way than a redirected connect (the SOCKS5 proxy):
 * the same first-bytes wait, upstream, message pumps and events as the agent's connections, without normalization
 * (a proxy client need not be a bitcoinj wallet).
 */
public final class Relays {

    /** The peer-reading task of a relay gets a thread of its own: the proxy bounds its connections itself. */
    private static final Executor OWN_THREAD = task -> {
        Thread t = new Thread(task, "bip324-relay-peer");
        t.setDaemon(true);
        t.start();
    };

    private Relays() {
    }

    /**
     * A task that relays {@code client} to {@code peer} until either side ends, then closes {@code client}; run it
     * on a thread of its own, which it holds until the client's side ends.
     */
    public static Runnable bridged(long connectionId, Socket client, InetSocketAddress peer,
                                   UpstreamConnector connector, PeerDialer dialer, AgentLog log,
                                   ConnectionEvents events) {
        return new BridgedConnection(connectionId, client, peer, connector, dialer, log, events, OWN_THREAD,
                Normalization.none(), new ParkedLinks(), Timer.INSTANCE);
    }

    /** Unused without normalization; its thread would start only with a first timer. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor INSTANCE = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "bip324-relay-timer");
            t.setDaemon(true);
            return t;
        });
    }
}

package org.bip324shaper.agent.events;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * A connection ended.
 *
 * @param clientToPeer bytes of the client's v1 stream relayed toward the peer
 * @param peerToClient bytes of v1 stream relayed to the client
 * @param wire         the v2 wire counters (genuine, decoy, handshake bytes each way); empty for v1
 * @param undelivered  messages the client handed over that never reached the peer: none after a graceful close
 * @param note         what else ended with the client's connection, e.g. that its upstream was kept for a reconnect
 */
public record ConnectionClosed(long id, InetSocketAddress peer, String transport, long clientToPeer,
                               long peerToClient, Optional<TrafficStats.Snapshot> wire, Delivery undelivered,
                               Optional<String> note) {
    public ConnectionClosed {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(wire, "wire");
        Objects.requireNonNull(undelivered, "undelivered");
        Objects.requireNonNull(note, "note");
    }

    /** A close with nothing more to say than its counts. */
    public ConnectionClosed(long id, InetSocketAddress peer, String transport, long clientToPeer, long peerToClient,
                            Optional<TrafficStats.Snapshot> wire, Delivery undelivered) {
        this(id, peer, transport, clientToPeer, peerToClient, wire, undelivered, Optional.empty());
    }
}

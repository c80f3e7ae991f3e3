package org.bip324shaper.agent.bridge;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Upstream links a wallet dropped, kept for a reconnect to the same peer: at most one per peer. */
final class ParkedLinks {
    private final ConcurrentHashMap<InetSocketAddress, UpstreamLink> byPeer = new ConcurrentHashMap<>();

    /** Parks {@code link}; one parked earlier for the same peer is ended (the wallet reconnected elsewhere). */
    void park(UpstreamLink link) {
        UpstreamLink older = byPeer.put(link.peer(), link);
        if (older != null && older != link) {
            older.end("replaced by a newer parked session to the same peer", true);
        }
    }

    /** The link parked for {@code peer}, no longer parked. */
    Optional<UpstreamLink> claim(InetSocketAddress peer) {
        return Optional.ofNullable(byPeer.remove(peer));
    }

    /** Whether {@code link} was parked (and is no longer). */
    boolean remove(UpstreamLink link) {
        return byPeer.remove(link.peer(), link);
    }

    int size() {
        return byPeer.size();
    }
}

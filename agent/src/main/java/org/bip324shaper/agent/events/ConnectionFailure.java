package org.bip324shaper.agent.events;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A connection could not be opened, or bad data ended it.
 *
 * @param detail what went wrong (an exception's type and message; never contents or keys)
 */
public record ConnectionFailure(long id, InetSocketAddress peer, Stage stage, String detail) {

    /** Where it failed. */
    public enum Stage {
        /** Dialing the peer or the v2 handshake: there is no open event and no close event. */
        UPSTREAM,
        /** The client sent something that cannot be relayed (bad checksum, oversize, another network). */
        CLIENT_DATA,
        /** The peer sent something that cannot be relayed. */
        PEER_DATA,
        /** Anything else while relaying. */
        RELAY
    }

    public ConnectionFailure {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(detail, "detail");
    }
}

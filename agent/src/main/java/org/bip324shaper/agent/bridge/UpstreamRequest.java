package org.bip324shaper.agent.bridge;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.core.Network;

/**
 * What an {@link UpstreamConnector} learns about one wallet connection before any of the wallet's bytes are
 * handed to it.
 *
 * @param connectionId the agent-local number of this connection, as printed in its log lines ({@code #id})
 * @param peer         the destination the wallet asked for: resolved, except where the dialer resolves names itself
 *                     (the proxy chained to an upstream SOCKS proxy such as Tor)
 * @param network      the network whose magic starts the wallet's first message, if it is a known one; the wallet
 *                     speaks first in the bitcoin protocol, so this is known before the peer is dialed
 */
public record UpstreamRequest(long connectionId, InetSocketAddress peer, Optional<Network> network) {

    public UpstreamRequest {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(network, "network");
    }
}

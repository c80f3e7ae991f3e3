package org.bip324shaper.agent.events;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * A connection's upstream is open.
 *
 * @param id        the connection's number in this JVM, as in its log lines ({@code #id})
 * @param peer      the real peer
 * @param network   the network read from the client's first bytes, if known
 * @param transport {@code v2} or {@code v1}
 * @param sessionId the BIP-324 session id in hex as Bitcoin Core's getpeerinfo prints it; empty for v1
 * @param note      why the transport is not the plain choice, e.g. a v1 fallback
 * @param liveWire  the v2 wire counters as they are now (empty for v1), for live views such as the MBean
 */
public record ConnectionOpened(long id, InetSocketAddress peer, Optional<Network> network, String transport,
                               Optional<String> sessionId, Optional<String> note,
                               Supplier<Optional<TrafficStats.Snapshot>> liveWire) {
    public ConnectionOpened {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(liveWire, "liveWire");
    }

    public boolean isV2() {
        return transport.equals("v2");
    }
}

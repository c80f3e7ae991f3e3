package org.bip324shaper.it.node;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * What the node recorded about one inbound connection, at the moment it was asked.
 *
 * @param id the node's connection number, from 1
 * @param remote the peer's address as the node saw it (for an agent-bridged wallet: the agent's dial)
 * @param transport how the connection's bytes travelled
 * @param sessionIdHex the BIP-324 session id for v2, empty for v1
 * @param userAgent the peer's {@code version} user agent, empty before it arrived
 * @param handshakeDone whether the peer sent {@code verack}
 * @param received how many messages of each command the peer sent
 * @param closed whether the connection has ended
 * @param endReason why it ended, when it did ("peer closed", "disconnected by the node", an error)
 * @param wire the node's v2 wire counters for this connection (what it wrote and read, by kind); empty for v1
 * @param arrivalNanos per command, when each of the peer's messages arrived ({@link System#nanoTime()}), in order
 */
public record PeerRecord(int id, InetSocketAddress remote, Transport transport, Optional<String> sessionIdHex,
                         Optional<String> userAgent, boolean handshakeDone, Map<String, Integer> received,
                         boolean closed, Optional<String> endReason, Optional<TrafficStats.Snapshot> wire,
                         Map<String, List<Long>> arrivalNanos) {
    public PeerRecord {
        received = Map.copyOf(received);
        Map<String, List<Long>> copy = new java.util.TreeMap<>();
        arrivalNanos.forEach((command, times) -> copy.put(command, List.copyOf(times)));
        arrivalNanos = java.util.Collections.unmodifiableMap(copy);
    }

    /** When each of the peer's {@code command} messages arrived, in order. */
    public List<Long> arrivalNanos(String command) {
        return arrivalNanos.getOrDefault(command, List.of());
    }

    /** When each of the peer's pings arrived. */
    public List<Long> pingNanos() {
        return arrivalNanos("ping");
    }

    public int received(String command) {
        return received.getOrDefault(command, 0);
    }
}

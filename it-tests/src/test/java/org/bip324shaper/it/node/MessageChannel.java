package org.bip324shaper.it.node;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * One peer connection seen as a stream of whole P2P messages, whatever the transport. Reads come from one thread;
 * {@link #write} may be called from several (each message goes out whole).
 */
sealed interface MessageChannel extends Closeable permits V1Channel, V2Channel {

    Transport transport();

    /** The BIP-324 session id (hex) for v2; empty for v1. */
    Optional<String> sessionIdHex();

    /** The v2 wire counters (genuine, decoy, handshake bytes each way), readable after close too; empty for v1. */
    default Optional<TrafficStats.Snapshot> wireStats() {
        return Optional.empty();
    }

    /** The next message; blocks. {@link java.io.EOFException} once the peer closed. */
    NetworkMessage read() throws IOException;

    void write(NetworkMessage message) throws IOException;
}

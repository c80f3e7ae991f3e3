package org.bip324shaper.it.node;

import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.driver.ShapedProtocol;

/** A BIP-324 session (handshake already done) over a socket. */
final class V2Channel implements MessageChannel {
    private final Socket socket;
    private final ShapedProtocol protocol;
    /** Taken at once: closing the protocol zeroes its session, id included. */
    private final String sessionIdHex;

    V2Channel(Socket socket, ShapedProtocol protocol) {
        this.socket = socket;
        this.protocol = protocol;
        this.sessionIdHex = protocol.sessionIdHex();
    }

    @Override
    public Transport transport() {
        return Transport.V2;
    }

    @Override
    public Optional<String> sessionIdHex() {
        return Optional.of(sessionIdHex);
    }

    @Override
    public Optional<TrafficStats.Snapshot> wireStats() {
        return Optional.of(protocol.stats().snapshot());
    }

    @Override
    public NetworkMessage read() throws IOException {
        return protocol.read();
    }

    @Override
    public void write(NetworkMessage message) throws IOException {
        protocol.write(message);
    }

    /** The socket first: the protocol's streams are wrapped not to close it, and a blocked reader must wake up. */
    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            protocol.close();
        }
    }
}

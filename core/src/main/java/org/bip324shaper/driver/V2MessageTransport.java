package org.bip324shaper.driver;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficStats;

/** A {@link ShapedProtocol} as a {@link MessageTransport}. */
final class V2MessageTransport implements MessageTransport {
    private final ShapedProtocol protocol;
    private final Closeable underlying;
    /** Taken at once: closing the protocol zeroes the session, its id included. */
    private final String sessionIdHex;

    V2MessageTransport(ShapedProtocol protocol, Closeable underlying) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.underlying = Objects.requireNonNull(underlying, "underlying");
        this.sessionIdHex = protocol.sessionIdHex();
    }

    @Override
    public Kind kind() {
        return Kind.V2;
    }

    @Override
    public Network network() {
        return protocol.network();
    }

    @Override
    public Optional<String> sessionIdHex() {
        return Optional.of(sessionIdHex);
    }

    @Override
    public Optional<TrafficStats> stats() {
        return Optional.of(protocol.stats());
    }

    @Override
    public NetworkMessage read() throws IOException {
        return protocol.read(); // a close racing the read is already an EOFException there
    }

    @Override
    public void write(NetworkMessage message) throws IOException {
        protocol.write(message);
    }

    @Override
    public void write(NetworkMessage message, Release release) throws IOException {
        protocol.write(message, release);
    }

    @Override
    public boolean hasReadyMessage() {
        return protocol.hasReadyMessage();
    }

    @Override
    public boolean isClosed() {
        return protocol.isClosed();
    }

    @Override
    public void close() throws IOException {
        try {
            protocol.close();
        } finally {
            underlying.close();
        }
    }

    @Override
    public void abort() throws IOException {
        try {
            protocol.abort();
        } finally {
            underlying.close();
        }
    }

    @Override
    public Delivery undelivered() {
        return protocol.undelivered();
    }

    @Override
    public String toString() {
        return "V2MessageTransport[" + protocol.network().id() + ", session " + sessionIdHex.substring(0, 8) + "...]";
    }
}

package org.bip324shaper.core;

/**
 * The peer opened with a v1 {@code version} message for our network instead of a BIP-324 key. The bytes received so
 * far are handed back so that the caller can serve the connection with the v1 protocol.
 */
public final class V1PeerException extends Bip324Exception {
    private final Network network;
    private final byte[] received;

    public V1PeerException(Network network, byte[] received) {
        super("peer speaks the v1 protocol (" + network.id() + "), not BIP-324");
        this.network = network;
        this.received = received.clone();
    }

    public Network network() {
        return network;
    }

    /** Every byte the handshake consumed from the peer, starting with its v1 message header. */
    public byte[] receivedBytes() {
        return received.clone();
    }
}

package org.bip324shaper.core.internal.handshake;

import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.core.internal.packet.PacketEncoder;

/**
 * An established BIP-324 session: the two directions' packet ciphers and the session id, which both peers share and
 * may compare out of band to rule out a man in the middle.
 */
public final class Session implements Destroyable {
    private final Role role;
    private final Network network;
    private final byte[] sessionId;
    private final PacketEncoder encoder;
    private final PacketDecoder decoder;
    private final HandshakeSummary summary;
    private volatile boolean destroyed;

    Session(Role role, Network network, byte[] sessionId, PacketEncoder encoder, PacketDecoder decoder,
            HandshakeSummary summary) {
        this.role = Objects.requireNonNull(role);
        this.network = Objects.requireNonNull(network);
        this.sessionId = sessionId.clone();
        this.encoder = Objects.requireNonNull(encoder);
        this.decoder = Objects.requireNonNull(decoder);
        this.summary = Objects.requireNonNull(summary);
    }

    public Role role() {
        return role;
    }

    public Network network() {
        return network;
    }

    /** The 32-byte session id in the order the BIP defines (HKDF output order). */
    public byte[] sessionId() {
        return sessionId.clone();
    }

    /** The session id as Bitcoin Core's {@code getpeerinfo} prints it. */
    public String sessionIdHex() {
        return Hex.encode(sessionId);
    }

    /** Encrypts what we send; continues the packet counter the handshake started. */
    public PacketEncoder encoder() {
        return encoder;
    }

    /** Decrypts what the peer sends; continues the packet counter the handshake started. */
    public PacketDecoder decoder() {
        return decoder;
    }

    public HandshakeSummary handshakeSummary() {
        return summary;
    }

    @Override
    public void destroy() {
        destroyed = true;
        // The session id is no secret (both peers print it), so it stays readable for logs after the end.
        encoder.destroy();
        decoder.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "Session[" + role + ", " + network.id() + "]";
    }
}

package org.bip324shaper.core.message;

import java.util.Objects;
import org.bip324shaper.core.Network;

/**
 * Frames messages for the v1 (unencrypted) protocol of one network: 4-byte magic, 12-byte NUL-padded command,
 * little-endian 32-bit payload length, 4-byte checksum (first bytes of double SHA-256 of the payload), payload.
 *
 * <p>Not thread-safe: it reuses one SHA-256 instance. Use one encoder per connection direction.
 */
public final class V1FrameEncoder {
    /** Size of the v1 message header in front of every payload. */
    public static final int HEADER_LENGTH = 24;

    static final int COMMAND_OFFSET = 4;
    static final int LENGTH_OFFSET = COMMAND_OFFSET + CommandField.LENGTH;
    static final int CHECKSUM_OFFSET = LENGTH_OFFSET + 4;

    private final Network network;
    private final byte[] magic;
    private final FrameChecksum checksum = new FrameChecksum();

    public V1FrameEncoder(Network network) {
        this.network = Objects.requireNonNull(network, "network");
        this.magic = network.magicBytes();
    }

    public Network network() {
        return network;
    }

    /** The complete v1 frame of {@code message}: header followed by the payload. */
    public byte[] encode(NetworkMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] payload = message.payloadNoCopy();
        byte[] frame = new byte[HEADER_LENGTH + payload.length];
        System.arraycopy(magic, 0, frame, 0, magic.length);
        CommandField.write(message.command(), frame, COMMAND_OFFSET);
        int length = payload.length;
        frame[LENGTH_OFFSET] = (byte) length;
        frame[LENGTH_OFFSET + 1] = (byte) (length >>> 8);
        frame[LENGTH_OFFSET + 2] = (byte) (length >>> 16);
        frame[LENGTH_OFFSET + 3] = (byte) (length >>> 24);
        checksum.write(payload, frame, CHECKSUM_OFFSET);
        System.arraycopy(payload, 0, frame, HEADER_LENGTH, payload.length);
        return frame;
    }
}

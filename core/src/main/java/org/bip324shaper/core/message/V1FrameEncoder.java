package org.bip324shaper.core.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.bip324shaper.core.Network;

/**
 * Frames messages for the v1 (unencrypted) protocol of one network: 4-byte magic, 12-byte NUL-padded command,
 * little-endian 32-bit payload length, 4-byte checksum (first bytes of double SHA-256 of the payload), payload.
 *
 * <p>{@link #frame} never copies the payload: it writes the header in front of it, into the message's header room
 * when it has 24 bytes of it (every message a {@link V1FrameDecoder} made), else into a separate 24-byte buffer for
 * a gathering write. A checksum the decoder already verified is reused rather than recomputed.
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

    /** The complete v1 frame of {@code message} in a new array: header followed by a copy of the payload. */
    public byte[] encode(NetworkMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] frame = new byte[HEADER_LENGTH + message.payloadLength()];
        writeHeader(message, frame, 0);
        System.arraycopy(message.buffer(), message.payloadOffset(), frame, HEADER_LENGTH, message.payloadLength());
        return frame;
    }

    /**
     * The frame of {@code message} as buffers to write in order, e.g. in one gathering write: one buffer (the header
     * rewritten in the message's own header room) or two (a new header, then a view of the payload). They share the
     * message's bytes: only read them (they are not read-only so that a stream can write their arrays).
     */
    public ByteBuffer[] frame(NetworkMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] buffer = message.buffer();
        int payloadAt = message.payloadOffset();
        int length = message.payloadLength();
        if (payloadAt >= HEADER_LENGTH) {
            writeHeader(message, buffer, payloadAt - HEADER_LENGTH);
            return new ByteBuffer[] {
                ByteBuffer.wrap(buffer, payloadAt - HEADER_LENGTH, HEADER_LENGTH + length).slice()};
        }
        byte[] header = new byte[HEADER_LENGTH];
        writeHeader(message, header, 0);
        return new ByteBuffer[] {ByteBuffer.wrap(header), ByteBuffer.wrap(buffer, payloadAt, length).slice()};
    }

    private void writeHeader(NetworkMessage message, byte[] dst, int at) {
        System.arraycopy(magic, 0, dst, at, magic.length);
        CommandField.write(message.command(), dst, at + COMMAND_OFFSET);
        int length = message.payloadLength();
        dst[at + LENGTH_OFFSET] = (byte) length;
        dst[at + LENGTH_OFFSET + 1] = (byte) (length >>> 8);
        dst[at + LENGTH_OFFSET + 2] = (byte) (length >>> 16);
        dst[at + LENGTH_OFFSET + 3] = (byte) (length >>> 24);
        int sum = message.checksumKnown() ? message.checksum()
                : checksum.of(message.buffer(), message.payloadOffset(), length);
        FrameChecksum.write(sum, dst, at + CHECKSUM_OFFSET);
    }
}

package org.bip324shaper.core.message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One application-layer bitcoin P2P message, independent of the transport: its message type ("command") and payload.
 * v1 frames and v2 packet contents are two encodings of this.
 *
 * <p>The command is 1 to 12 printable ASCII characters (0x20..0x7e), the set Bitcoin Core accepts in a v1 header; the
 * empty command, which Core would tolerate, is refused as no real message uses it.
 *
 * <p>Ownership, so that a message crosses the transports without its payload being copied: the constructor takes the
 * array it is given (the caller must not change it afterwards; {@link #copyOf} copies instead), and
 * {@link #payload()} is a read-only view of it. A message the codecs decoded lies inside a larger buffer, behind
 * room that held its v1 header or v2 message type: the encoders rewrite the other transport's header into that room
 * around the same payload bytes (see {@link V1FrameEncoder#frame}, {@link V2MessageCodec#contents}), which is why one
 * message is written by one writer at a time. The payload itself never changes. {@link #toString()} shows only the
 * command and the payload length.
 */
public final class NetworkMessage {
    private final String command;
    /** Holds the payload at {@code [offset, offset + length)}; {@code [0, offset)} is header room this message owns. */
    private final byte[] buffer;
    private final int offset;
    private final int length;
    /** The v1 checksum of the payload as a little-endian int, if a decoder already verified it. */
    private final boolean checksumKnown;
    private final int checksum;

    /** A message that takes {@code payload} over, without a copy: do not change the array afterwards. */
    public NetworkMessage(String command, byte[] payload) {
        this(command, Objects.requireNonNull(payload, "payload"), 0, payload.length, false, 0);
    }

    NetworkMessage(String command, byte[] buffer, int offset, int length, boolean checksumKnown, int checksum) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(buffer, "buffer");
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (command.isEmpty() || command.length() > CommandField.LENGTH) {
            throw new IllegalArgumentException("command must be 1 to " + CommandField.LENGTH + " characters, got "
                    + command.length());
        }
        for (int i = 0; i < command.length(); i++) {
            if (!CommandField.isAllowedChar(command.charAt(i))) {
                throw new IllegalArgumentException("command character " + i + " is not printable ASCII");
            }
        }
        this.command = command;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.checksumKnown = checksumKnown;
        this.checksum = checksum;
    }

    /** A message with a copy of {@code payload}, for a caller that keeps using its array. */
    public static NetworkMessage copyOf(String command, byte[] payload) {
        return new NetworkMessage(command, payload.clone());
    }

    /** A message with a copy of {@code payload}'s remaining bytes (its position is not moved). */
    public static NetworkMessage copyOf(String command, ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return new NetworkMessage(command, bytes);
    }

    public String command() {
        return command;
    }

    /** A read-only view of the payload (position 0, big-endian as every new buffer; set the order you read in). */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(buffer, offset, length).slice().asReadOnlyBuffer();
    }

    /** A fresh copy of the payload. */
    public byte[] copyPayload() {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    public int payloadLength() {
        return length;
    }

    // --- for the codecs of this package, which never write into the payload -----------------------------------

    byte[] buffer() {
        return buffer;
    }

    /** Where the payload starts in {@link #buffer()}: the header room in front of it. */
    int payloadOffset() {
        return offset;
    }

    boolean checksumKnown() {
        return checksumKnown;
    }

    int checksum() {
        return checksum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkMessage other && command.equals(other.command)
                && Arrays.equals(buffer, offset, offset + length, other.buffer, other.offset,
                other.offset + other.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + buffer[i];
        }
        return 31 * command.hashCode() + h;
    }

    @Override
    public String toString() {
        return "NetworkMessage[command=" + command + ", payloadLength=" + length + "]";
    }
}

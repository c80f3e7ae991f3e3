package org.bip324shaper.core.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.bip324shaper.core.MalformedMessageException;

/**
 * Converts between a {@link NetworkMessage} and the contents of a BIP-324 application packet: a one-byte message type
 * ID followed by the payload, or, for commands without an ID, {@code 0x00}, the 12-byte NUL-padded command, then the
 * payload. Stateless and thread-safe; no payload is copied except by {@link #encode}.
 */
public final class V2MessageCodec {
    /** Length of the long message type form: the 0x00 marker and the 12-byte command. */
    public static final int LONG_TYPE_LENGTH = 1 + CommandField.LENGTH;

    private V2MessageCodec() {
    }

    /**
     * Encodes with the one-byte ID when the command has one (as Bitcoin Core sends), else with the long form, into a
     * new array (the payload copied). {@link #contents} does the same without the copy.
     */
    public static byte[] encode(NetworkMessage message) {
        ByteBuffer contents = contents(message);
        byte[] out = new byte[contents.remaining()];
        contents.get(out);
        return out;
    }

    /**
     * The packet contents of {@code message} around its own payload bytes: the message type is rewritten into the
     * message's header room when it has enough (1 byte for a one-byte ID, {@value #LONG_TYPE_LENGTH} for the long
     * form; every message a {@link V1FrameDecoder} made has 24), else the contents are built in a new array. The
     * buffer must only be read; it shares the message's payload.
     */
    public static ByteBuffer contents(NetworkMessage message) {
        Objects.requireNonNull(message, "message");
        OptionalInt shortId = MessageTypes.shortId(message.command());
        int typeLength = shortId.isPresent() ? 1 : LONG_TYPE_LENGTH;
        byte[] buffer = message.buffer();
        int payloadAt = message.payloadOffset();
        int length = message.payloadLength();
        if (payloadAt < typeLength) {
            buffer = new byte[typeLength + length];
            System.arraycopy(message.buffer(), payloadAt, buffer, typeLength, length);
            payloadAt = typeLength;
        }
        int start = payloadAt - typeLength;
        if (shortId.isPresent()) {
            buffer[start] = (byte) shortId.getAsInt();
        } else {
            buffer[start] = 0; // the long-form marker
            CommandField.write(message.command(), buffer, start + 1);
        }
        return ByteBuffer.wrap(buffer, start, typeLength + length).slice();
    }

    /**
     * Decodes packet contents, which the message then owns (no copy: do not change them afterwards). Both forms are
     * accepted for every command, including the long form of a command that has a one-byte ID.
     *
     * <p>Never fails: as Bitcoin Core's {@code V2Transport::GetMessageType}, contents without a valid message type
     * are a message to drop, not a reason to disconnect (the packet itself authenticated).
     *
     * @return {@link V2Decoded.Message}; {@link V2Decoded.UnknownShortId} for an ID above
     *     {@link MessageTypes#MAX_KNOWN_SHORT_ID}; {@link V2Decoded.InvalidMessageType} if the contents are empty,
     *     the long form is shorter than 13 bytes, or its command is empty, not printable ASCII, or not NUL-padded.
     *     The caller skips both of the latter.
     */
    public static V2Decoded decode(byte[] contents) {
        Objects.requireNonNull(contents, "contents");
        if (contents.length == 0) {
            return new V2Decoded.InvalidMessageType("empty contents: no message type", 0);
        }
        int first = contents[0] & 0xff;
        if (first != 0) {
            Optional<String> command = MessageTypes.command(first);
            if (command.isEmpty()) {
                return new V2Decoded.UnknownShortId(first, contents.length - 1);
            }
            return new V2Decoded.Message(slice(command.get(), contents, 1));
        }
        if (contents.length < LONG_TYPE_LENGTH) {
            return new V2Decoded.InvalidMessageType("v2 long message type needs " + LONG_TYPE_LENGTH
                    + " bytes, contents have " + contents.length, contents.length);
        }
        String command;
        try {
            command = CommandField.read(contents, 1, "v2 long message type");
        } catch (MalformedMessageException e) {
            return new V2Decoded.InvalidMessageType(e.getMessage(), contents.length);
        }
        return new V2Decoded.Message(slice(command, contents, LONG_TYPE_LENGTH));
    }

    /** The message takes the contents over: its payload is the rest of them, its header room the message type. */
    private static NetworkMessage slice(String command, byte[] contents, int from) {
        return new NetworkMessage(command, contents, from, contents.length - from, false, 0);
    }
}

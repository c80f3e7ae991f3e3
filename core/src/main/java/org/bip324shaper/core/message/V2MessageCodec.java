package org.bip324shaper.core.message;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.bip324shaper.core.MalformedMessageException;

/**
 * Converts between a {@link NetworkMessage} and the contents of a BIP-324 application packet: a one-byte message type
 * ID followed by the payload, or, for commands without an ID, {@code 0x00}, the 12-byte NUL-padded command, then the
 * payload. Stateless and thread-safe.
 */
public final class V2MessageCodec {
    /** Length of the long message type form: the 0x00 marker and the 12-byte command. */
    public static final int LONG_TYPE_LENGTH = 1 + CommandField.LENGTH;

    private V2MessageCodec() {
    }

    /** Encodes with the one-byte ID when the command has one (as Bitcoin Core sends), else with the long form. */
    public static byte[] encode(NetworkMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] payload = message.payloadNoCopy();
        OptionalInt shortId = MessageTypes.shortId(message.command());
        byte[] contents;
        if (shortId.isPresent()) {
            contents = new byte[1 + payload.length];
            contents[0] = (byte) shortId.getAsInt();
            System.arraycopy(payload, 0, contents, 1, payload.length);
        } else {
            contents = new byte[LONG_TYPE_LENGTH + payload.length];
            // contents[0] stays 0x00: the long-form marker
            CommandField.write(message.command(), contents, 1);
            System.arraycopy(payload, 0, contents, LONG_TYPE_LENGTH, payload.length);
        }
        return contents;
    }

    /**
     * Decodes packet contents. Both forms are accepted for every command, including the long form of a command that
     * has a one-byte ID.
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
            return new V2Decoded.Message(new NetworkMessage(command.get(), slice(contents, 1)));
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
        return new V2Decoded.Message(new NetworkMessage(command, slice(contents, LONG_TYPE_LENGTH)));
    }

    private static byte[] slice(byte[] contents, int from) {
        return Arrays.copyOfRange(contents, from, contents.length);
    }
}

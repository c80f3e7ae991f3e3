package org.bip324shaper.core.message;

import java.util.Objects;

/**
 * What {@link V2MessageCodec#decode(byte[])} found in the contents of a v2 application packet: a message, or a
 * one-byte message type ID this library does not know.
 *
 * <p>An unknown ID is not an error: BIP-324 lets IDs be assigned after the fact, and Bitcoin Core drops such a message
 * and keeps the connection. A caller that cannot forward it (a v1 peer has no way to carry it) skips it.
 */
public sealed interface V2Decoded permits V2Decoded.Message, V2Decoded.UnknownShortId, V2Decoded.InvalidMessageType {

    /** A message with a known type, ready to be framed for v1. */
    record Message(NetworkMessage message) implements V2Decoded {
        public Message {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Contents whose first byte is an ID with no known message type ({@code MAX_KNOWN_SHORT_ID + 1 .. 255}). Only the
     * ID and the payload length are kept: the caller skips the message.
     */
    record UnknownShortId(int shortId, int payloadLength) implements V2Decoded {
    }

    /**
     * Contents without a valid message type: empty, a long form shorter than 13 bytes, or a command that is empty,
     * not printable ASCII or not NUL-padded. Bitcoin Core drops such a message and keeps the connection
     * ({@code V2Transport::GetReceivedMessage} sets {@code reject_message}); so does the caller.
     *
     * @param reason         what is wrong, for a debug log; never the contents
     * @param contentsLength the length of the dropped contents
     */
    record InvalidMessageType(String reason, int contentsLength) implements V2Decoded {
        public InvalidMessageType {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

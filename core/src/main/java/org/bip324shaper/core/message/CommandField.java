package org.bip324shaper.core.message;

import java.nio.charset.StandardCharsets;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.ProtocolLimits;

/**
 * The 12-byte, NUL-padded ASCII message type field shared by the v1 header and the v2 long form. One set of rules for
 * both, so that anything the v2 side accepts can be written on the v1 side and back byte for byte.
 */
final class CommandField {
    /** Width of the field on the wire (Bitcoin Core's {@code CMessageHeader::MESSAGE_TYPE_SIZE}). */
    static final int LENGTH = ProtocolLimits.MAX_COMMAND_LENGTH;

    private CommandField() {
    }

    /**
     * Bitcoin Core's v1 rule ({@code CMessageHeader::IsMessageTypeValid}): printable ASCII including space. Newer Core
     * applies the same range to the v2 long form; older Core also let 0x7f through there, which v1 could not carry.
     */
    static boolean isAllowedChar(int c) {
        return c >= 0x20 && c <= 0x7e;
    }

    /**
     * Writes a command already validated by {@link NetworkMessage} into {@code dst[offset..offset+12)}, NUL-padded
     * (the padding is written too: the field may be header room that held another header).
     */
    static void write(String command, byte[] dst, int offset) {
        for (int i = 0; i < LENGTH; i++) {
            dst[offset + i] = i < command.length() ? (byte) command.charAt(i) : 0;
        }
    }

    /**
     * Reads the field at {@code src[offset..offset+12)}: 1 to 12 allowed characters, then only NULs.
     *
     * @param where names the field in exception messages, e.g. "v1 header"
     */
    static String read(byte[] src, int offset, String where) throws MalformedMessageException {
        int length = 0;
        while (length < LENGTH && src[offset + length] != 0) {
            if (!isAllowedChar(src[offset + length] & 0xff)) {
                throw new MalformedMessageException(where + ": message type byte " + length + " is not printable ASCII");
            }
            length++;
        }
        if (length == 0) {
            throw new MalformedMessageException(where + ": message type is empty");
        }
        for (int i = length + 1; i < LENGTH; i++) {
            if (src[offset + i] != 0) {
                throw new MalformedMessageException(where + ": message type has a non-NUL byte " + i
                        + " after its NUL padding");
            }
        }
        return new String(src, offset, length, StandardCharsets.US_ASCII);
    }
}

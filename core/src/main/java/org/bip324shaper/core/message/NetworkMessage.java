package org.bip324shaper.core.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * One application-layer bitcoin P2P message, independent of the transport: its message type ("command") and payload.
 * v1 frames and v2 packet contents are two encodings of this.
 *
 * <p>The command is 1 to 12 printable ASCII characters (0x20..0x7e), the set Bitcoin Core accepts in a v1 header; the
 * empty command, which Core would tolerate, is refused as no real message uses it. The payload is copied on the way
 * in and out, so an instance is immutable; {@link #toString()} shows only the command and the payload length.
 */
public record NetworkMessage(String command, byte[] payload) {
    public NetworkMessage {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(payload, "payload");
        if (command.isEmpty() || command.length() > CommandField.LENGTH) {
            throw new IllegalArgumentException("command must be 1 to " + CommandField.LENGTH + " characters, got "
                    + command.length());
        }
        for (int i = 0; i < command.length(); i++) {
            if (!CommandField.isAllowedChar(command.charAt(i))) {
                throw new IllegalArgumentException("command character " + i + " is not printable ASCII");
            }
        }
        payload = payload.clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** The payload itself, for the codecs of this package, which only read it. */
    byte[] payloadNoCopy() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkMessage other && command.equals(other.command)
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * command.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "NetworkMessage[command=" + command + ", payloadLength=" + payload.length + "]";
    }
}

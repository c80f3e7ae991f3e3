package org.bip324shaper.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bip324shaper.core.Network;

/**
 * v1 frames written and read by hand, independently of core's codecs, so that tests compare the bridge's bytes
 * with an oracle that does not share its code: magic, 12-byte NUL-padded command, little-endian length, first 4
 * bytes of SHA256(SHA256(payload)), payload.
 */
public final class V1Frames {

    public static final int HEADER = 24;

    private V1Frames() {
    }

    public static byte[] frame(Network network, String command, byte[] payload) {
        byte[] frame = new byte[HEADER + payload.length];
        System.arraycopy(network.magicBytes(), 0, frame, 0, 4);
        byte[] name = command.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, frame, 4, name.length);
        frame[16] = (byte) payload.length;
        frame[17] = (byte) (payload.length >>> 8);
        frame[18] = (byte) (payload.length >>> 16);
        frame[19] = (byte) (payload.length >>> 24);
        System.arraycopy(sha256d(payload), 0, frame, 20, 4);
        System.arraycopy(payload, 0, frame, HEADER, payload.length);
        return frame;
    }

    /** One whole frame from {@code in}; null at a clean end of stream before its first byte. */
    public static byte[] read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length == 0) {
            return null;
        }
        if (header.length < HEADER) {
            throw new EOFException("stream ended inside a v1 header");
        }
        int length = (header[16] & 0xff) | (header[17] & 0xff) << 8 | (header[18] & 0xff) << 16
                | (header[19] & 0xff) << 24;
        if (length < 0 || length > 8_000_000) {
            throw new IOException("test frame length out of range: " + length);
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("stream ended inside a v1 payload");
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(HEADER + length);
        frame.writeBytes(header);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    public static String command(byte[] frame) {
        int end = 4;
        while (end < 16 && frame[end] != 0) {
            end++;
        }
        return new String(frame, 4, end - 4, StandardCharsets.US_ASCII);
    }

    public static byte[] payload(byte[] frame) {
        return Arrays.copyOfRange(frame, HEADER, frame.length);
    }

    /**
     * The BIP-324 packet contents of a message, by the BIP's table for the commands tests use: the one-byte ID,
     * or 0x00 and the 12-byte command.
     */
    public static byte[] v2Contents(String command, byte[] payload) {
        int id = switch (command) {
            case "block" -> 2;
            case "headers" -> 13;
            case "inv" -> 14;
            case "ping" -> 18;
            case "pong" -> 19;
            case "tx" -> 21;
            case "addrv2" -> 28;
            default -> 0;
        };
        byte[] type;
        if (id != 0) {
            type = new byte[] {(byte) id};
        } else {
            type = new byte[13];
            byte[] name = command.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, type, 1, name.length);
        }
        byte[] contents = Arrays.copyOf(type, type.length + payload.length);
        System.arraycopy(payload, 0, contents, type.length, payload.length);
        return contents;
    }

    private static byte[] sha256d(byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return sha.digest(sha.digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

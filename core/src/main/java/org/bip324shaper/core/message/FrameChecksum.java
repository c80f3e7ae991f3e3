package org.bip324shaper.core.message;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The v1 header checksum: the first 4 bytes of SHA256(SHA256(payload)). Holds one digest instance, so it is as
 * single-threaded as the codec that owns it.
 */
final class FrameChecksum {
    static final int LENGTH = 4;

    private final MessageDigest sha256;

    FrameChecksum() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The checksum of {@code src[offset..offset+length)} as the little-endian int of its 4 bytes. */
    int of(byte[] src, int offset, int length) {
        sha256.update(src, offset, length);
        byte[] once = sha256.digest();
        byte[] twice = sha256.digest(once);
        return (twice[0] & 0xff) | (twice[1] & 0xff) << 8 | (twice[2] & 0xff) << 16 | (twice[3] & 0xff) << 24;
    }

    /** Writes {@code checksum} (from {@link #of}) to {@code dst[offset..offset+4)}. */
    static void write(int checksum, byte[] dst, int offset) {
        dst[offset] = (byte) checksum;
        dst[offset + 1] = (byte) (checksum >>> 8);
        dst[offset + 2] = (byte) (checksum >>> 16);
        dst[offset + 3] = (byte) (checksum >>> 24);
    }

    /** Reads the checksum field at {@code src[offset..offset+4)}. */
    static int read(byte[] src, int offset) {
        return (src[offset] & 0xff) | (src[offset + 1] & 0xff) << 8 | (src[offset + 2] & 0xff) << 16
                | (src[offset + 3] & 0xff) << 24;
    }
}

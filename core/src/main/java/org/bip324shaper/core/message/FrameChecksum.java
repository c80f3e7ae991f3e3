package org.bip324shaper.core.message;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

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

    /** Writes the checksum of {@code payload} to {@code dst[offset..offset+4)}. */
    void write(byte[] payload, byte[] dst, int offset) {
        byte[] once = sha256.digest(payload);
        byte[] twice = sha256.digest(once);
        System.arraycopy(twice, 0, dst, offset, LENGTH);
    }

    /** Whether {@code expected[offset..offset+4)} is the checksum of {@code payload}. */
    boolean matches(byte[] payload, byte[] expected, int offset) {
        byte[] actual = new byte[LENGTH];
        write(payload, actual, 0);
        return Arrays.equals(actual, 0, LENGTH, expected, offset, offset + LENGTH);
    }
}

package org.bip324shaper.core.internal.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HKDF-SHA256 (RFC 5869), restricted to what BIP-324 needs: Extract, and Expand to exactly one hash length.
 *
 * <p>HMAC-SHA256 (RFC 2104) is spelled out over the JDK's SHA-256 {@link MessageDigest} so that every copy of the key
 * and of the pads stays in arrays we own and can wipe, and so that the first handshake of a fresh JVM does not pay for
 * initialising a crypto library's service registry. With L = 32 = HashLen, Expand is a single HMAC block,
 * {@code T(1) = HMAC(PRK, info || 0x01)}. Not thread-safe; one instance per derivation.
 */
final class Hkdf {
    static final int HASH_LENGTH = 32;
    private static final int BLOCK_LENGTH = 64;

    private final MessageDigest sha256 = sha256();
    private final byte[] pad = new byte[BLOCK_LENGTH];
    private final byte[] inner = new byte[HASH_LENGTH];

    /** PRK = HMAC-SHA256(salt, ikm). */
    byte[] extract(byte[] salt, byte[] ikm) {
        byte[] prk = new byte[HASH_LENGTH];
        hmac(salt, ikm, false, prk, 0);
        return prk;
    }

    /** Writes the first 32 bytes of HKDF-Expand(prk, info) to {@code out} at {@code outOff}. */
    void expand32(byte[] prk, byte[] info, byte[] out, int outOff) {
        hmac(prk, info, true, out, outOff);
    }

    /** Nothing derived from a key outlives a call; kept so that callers can state when they are done. */
    void wipe() {
        Arrays.fill(pad, (byte) 0);
        Arrays.fill(inner, (byte) 0);
        sha256.reset();
    }

    /** HMAC-SHA256(key, message [|| 0x01]) into out[outOff..outOff+32). */
    private void hmac(byte[] key, byte[] message, boolean appendOne, byte[] out, int outOff) {
        try {
            Arrays.fill(pad, (byte) 0);
            if (key.length > BLOCK_LENGTH) { // RFC 2104: a long key is replaced by its hash
                sha256.update(key);
                sha256.digest(pad, 0, HASH_LENGTH);
            } else {
                System.arraycopy(key, 0, pad, 0, key.length);
            }
            for (int i = 0; i < BLOCK_LENGTH; i++) {
                pad[i] ^= 0x36;
            }
            sha256.update(pad);
            sha256.update(message);
            if (appendOne) {
                sha256.update((byte) 1);
            }
            sha256.digest(inner, 0, HASH_LENGTH);
            for (int i = 0; i < BLOCK_LENGTH; i++) {
                pad[i] ^= 0x36 ^ 0x5c;
            }
            sha256.update(pad);
            sha256.update(inner);
            sha256.digest(out, outOff, HASH_LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 output did not fit", e);
        } finally {
            Arrays.fill(pad, (byte) 0);
            Arrays.fill(inner, (byte) 0);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

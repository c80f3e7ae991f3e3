package org.bip324shaper.core.internal.crypto;

import java.nio.ByteBuffer;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.crypto.AeadBackend;

/**
 * RFC 8439 AEAD_CHACHA20_POLY1305 with the key held between calls and the nonce given per call: the raw primitive
 * under {@link FsChaCha20Poly1305}. Package-private because choosing nonces is exactly what callers must not do;
 * {@link FsChaCha20Poly1305} derives them from its message counter.
 *
 * <p>Both implementations give identical bytes and differ only in speed (see {@link AeadBackend}): one adapts
 * BouncyCastle, the other the JCE, with small messages taken by {@link Rfc8439ChaCha20Poly1305}.
 */
sealed interface ChaCha20Poly1305Aead permits BouncyCastleChaCha20Poly1305, JdkChaCha20Poly1305 {
    int KEY_LENGTH = 32;
    int NONCE_LENGTH = 12;
    int TAG_LENGTH = 16;
    /** {@code first} value meaning "no leading byte". */
    int NO_FIRST_BYTE = -1;

    AeadBackend backend();

    /** Uses {@code key32} (copied) from the next call on. */
    void setKey(byte[] key32);

    /**
     * Encrypts the plaintext {@code first} (a byte 0..255, or {@link #NO_FIRST_BYTE}) followed by the remaining bytes
     * of {@code plaintext}, and writes ciphertext || tag to {@code out}. Both buffers' positions advance. The leading
     * byte lets the packet layer put its header before the contents without copying the contents.
     *
     * <p>The caller guarantees that {@code out} has room for the plaintext length + 16 and does not overlap
     * {@code plaintext}.
     */
    void seal(byte[] nonce, byte[] aad, int first, ByteBuffer plaintext, ByteBuffer out);

    /**
     * Verifies and decrypts {@code inLen} bytes of ciphertext || tag, writing {@code inLen - 16} bytes of plaintext to
     * {@code out} at {@code outOff}. Decrypting in place (same array, same offset) is allowed. On failure nothing is
     * left in {@code out} that depends on the plaintext.
     *
     * @return the plaintext length
     */
    int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws AuthenticationException;

    /** Best-effort wipe of the key and of any state derived from it; the instance is unusable afterwards. */
    void destroy();
}

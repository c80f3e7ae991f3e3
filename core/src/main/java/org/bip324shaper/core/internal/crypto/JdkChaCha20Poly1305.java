package org.bip324shaper.core.internal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.crypto.AeadBackend;

/**
 * {@link ChaCha20Poly1305Aead} over the JDK's {@code Cipher.getInstance("ChaCha20-Poly1305", "SunJCE")}, which
 * HotSpot accelerates with AVX2/AVX-512 intrinsics for the ChaCha20 block function (JDK 20+) and Poly1305 (JDK 19+),
 * for messages above {@link #SMALL_MAX} bytes; smaller ones go to {@link Rfc8439ChaCha20Poly1305} (same bytes, no
 * per-message JCE initialisation).
 * The tag check is a constant-time XOR/OR of the two 8-byte halves, and the cipher verifies the tag before it
 * decrypts, so a failed {@link #open} writes nothing.
 *
 * <p>The JDK refuses to initialise with the same key and nonce as the previous initialisation: for encryption, and on
 * JDK 17 for decryption as well. {@link FsChaCha20Poly1305} never repeats a (key, nonce) pair, including its rekey
 * step (nonce {@code 0xFFFFFFFF || epoch} is distinct from every packet nonce {@code (0..223) || epoch}), so for
 * encryption the check never fires (and must not be worked around). Decrypting twice with one nonce is harmless, so
 * {@link #open} steps over the check by initialising with another nonce first.
 */
final class JdkChaCha20Poly1305 implements ChaCha20Poly1305Aead {
    static final String ALGORITHM = "ChaCha20-Poly1305";
    static final String PROVIDER = "SunJCE";

    /** HotSpot vectorises the JDK's ChaCha20 block function from JDK 20 on (x86-64 AVX2/AVX-512, AArch64 ASIMD). */
    private static final boolean JDK_CHACHA20_IS_FAST = Runtime.version().feature() >= 20;
    /**
     * Messages up to this many bytes (plaintext, or ciphertext without its tag) go to {@link #smallMessages} rather
     * than the JCE AEAD, whose per-message {@code Cipher.init} costs about 1 us (a new Poly1305 object, and 1 KB of
     * keystream generated for the 32-byte Poly1305 key). Measured side by side, one thread, best of 40 rounds:
     * <ul>
     * <li>JDK 25 (ChaCha20 and Poly1305 intrinsics): the small path takes 0.48 vs 1.11 us at 255 B, 1.11 vs 1.36 us at
     * 767 B, but 1.48 vs 1.19 us at 1023 B, where the JCE's Poly1305 intrinsic overtakes ours: the limit is 768.</li>
     * <li>JDK 17 (no intrinsics): the small path wins at every size it takes, 1.1 vs 2.3 us at 255 B and 11 vs 33 us at
     * 4095 B: the limit is its maximum, {@link Rfc8439ChaCha20Poly1305#MAX_MESSAGE}.</li>
     * </ul>
     */
    static final int SMALL_MAX = JDK_CHACHA20_IS_FAST ? 768 : Rfc8439ChaCha20Poly1305.MAX_MESSAGE;

    private final Rfc8439ChaCha20Poly1305 smallMessages = new Rfc8439ChaCha20Poly1305(JDK_CHACHA20_IS_FAST);
    private final Cipher cipher;
    private final byte[] first = new byte[1];
    private final ByteBuffer firstBuffer = ByteBuffer.wrap(first);
    private WipeableKey key;
    /** The nonce of the last initialisation under the current key, when {@link #haveLastNonce}. */
    private final byte[] lastNonce = new byte[NONCE_LENGTH];
    private boolean haveLastNonce;

    JdkChaCha20Poly1305() {
        try {
            cipher = Cipher.getInstance(ALGORITHM, PROVIDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no " + ALGORITHM + " cipher", e);
        }
    }

    @Override
    public AeadBackend backend() {
        return AeadBackend.JDK;
    }

    @Override
    public void setKey(byte[] key32) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        if (key != null) {
            key.destroy();
        }
        key = new WipeableKey(key32);
        smallMessages.setKey(key32);
        haveLastNonce = false;
    }

    @Override
    public void seal(byte[] nonce, byte[] aad, int firstByte, ByteBuffer plaintext, ByteBuffer out) {
        if (plaintext.remaining() + (firstByte == NO_FIRST_BYTE ? 0 : 1) <= SMALL_MAX) {
            requireKey();
            smallMessages.seal(nonce, aad, firstByte, plaintext, out);
            return;
        }
        try {
            init(Cipher.ENCRYPT_MODE, requireKey(), nonce);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            if (firstByte == NO_FIRST_BYTE) {
                cipher.doFinal(plaintext, out);
            } else {
                first[0] = (byte) firstByte;
                firstBuffer.clear();
                cipher.update(firstBuffer, out);
                first[0] = 0;
                cipher.doFinal(plaintext, out);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws AuthenticationException {
        if (inLen < TAG_LENGTH) {
            throw new AuthenticationException("ciphertext shorter than its tag");
        }
        if (inLen - TAG_LENGTH <= SMALL_MAX) {
            requireKey();
            return smallMessages.open(nonce, aad, in, inOff, inLen, out, outOff);
        }
        try {
            SecretKey k = requireKey();
            if (haveLastNonce && Arrays.equals(nonce, lastNonce)) {
                init(Cipher.DECRYPT_MODE, k, otherThan(nonce));
            }
            init(Cipher.DECRYPT_MODE, k, nonce);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new AuthenticationException("packet failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
        }
    }

    @Override
    public void destroy() {
        smallMessages.destroy();
        if (key != null) {
            key.destroy();
            key = null;
        }
        try {
            // Overwrites (the JDK zeroes) the cipher's copy of our key and its derived state. A nonce unlike the
            // last one, in case the last key was all zeros too.
            init(Cipher.DECRYPT_MODE, new WipeableKey(new byte[KEY_LENGTH]), otherThan(lastNonce));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not scrub the JDK cipher", e);
        }
        haveLastNonce = false;
    }

    private void init(int mode, SecretKey k, byte[] nonce) throws GeneralSecurityException {
        haveLastNonce = false; // unknown if init fails half-way
        cipher.init(mode, k, new IvParameterSpec(nonce));
        System.arraycopy(nonce, 0, lastNonce, 0, NONCE_LENGTH);
        haveLastNonce = true;
    }

    private static byte[] otherThan(byte[] nonce) {
        byte[] other = nonce.clone();
        other[0] ^= 1;
        return other;
    }

    private SecretKey requireKey() {
        if (key == null) {
            throw new IllegalStateException("no key set");
        }
        return key;
    }

    /**
     * A raw ChaCha20 key we can zero: {@code SecretKeySpec} cannot be destroyed on Java 17. The cipher takes its own
     * copy via {@link #getEncoded()} and zeroes it when re-initialised.
     */
    static final class WipeableKey implements SecretKey {
        private final byte[] bytes;
        private boolean destroyed;

        WipeableKey(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public String getAlgorithm() {
            return "ChaCha20";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            if (destroyed) {
                throw new IllegalStateException("key destroyed");
            }
            return bytes.clone();
        }

        @Override
        public void destroy() {
            Arrays.fill(bytes, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }
    }
}

package org.bip324shaper.core.internal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import org.bip324shaper.core.AuthenticationException;

/**
 * RFC 8439 AEAD_CHACHA20_POLY1305 for small messages (up to {@link #MAX_MESSAGE} bytes), composed of the project's
 * own {@link Poly1305} and a ChaCha20 keystream that costs one call per message. {@link JdkChaCha20Poly1305} uses it
 * below its size threshold, where the JCE AEAD's per-message {@code Cipher.init} (a new Poly1305 object, and 1 KB of
 * keystream generated for the 32-byte Poly1305 key) costs more than the cipher.
 *
 * <p>The keystream comes from one of two sources, chosen at construction:
 * <ul>
 * <li>the JDK's plain {@code ChaCha20} cipher, which HotSpot vectorises (JDK 20+ on x86-64 and AArch64): blocks 0..n of
 * the message's nonce in one call, block 0 giving the Poly1305 key. It is initialised in decrypt mode, which skips the
 * JDK's check against a repeated (key, nonce); {@link FsChaCha20Poly1305} never repeats a nonce under one key for
 * encryption, and decryption may legitimately repeat one;</li>
 * <li>{@link ChaCha20}, the scalar block function of this package, for JDKs without that intrinsic.</li>
 * </ul>
 *
 * <p>Constant-time, including the tag comparison. {@link #open} writes to its output only after the tag verified.
 * Same contract as {@link ChaCha20Poly1305Aead}; not thread-safe.
 */
final class Rfc8439ChaCha20Poly1305 {
    /** The largest message (plaintext length) this class takes: it works in a fixed scratch buffer. */
    static final int MAX_MESSAGE = 4096;

    private static final int TAG_LENGTH = ChaCha20Poly1305Aead.TAG_LENGTH;
    private static final int BLOCK = ChaCha20.BLOCK_LENGTH;

    private final Cipher jceChaCha;
    private final ChaCha20 ownChaCha;
    private final Poly1305 poly = new Poly1305();
    /** Keystream block 0 (the Poly1305 key) followed by the message: one keystream call covers both. */
    private final byte[] scratch = new byte[BLOCK + MAX_MESSAGE];
    private final byte[] tag = new byte[TAG_LENGTH];
    private JdkChaCha20Poly1305.WipeableKey jceKey;
    private final byte[] lastNonce = new byte[ChaCha20Poly1305Aead.NONCE_LENGTH];
    private boolean haveLastNonce;
    private boolean haveKey;

    /** @param useJdkChaCha20 take the keystream from the JDK's {@code ChaCha20} cipher rather than {@link ChaCha20} */
    Rfc8439ChaCha20Poly1305(boolean useJdkChaCha20) {
        if (useJdkChaCha20) {
            try {
                jceChaCha = Cipher.getInstance("ChaCha20", JdkChaCha20Poly1305.PROVIDER);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK offers no ChaCha20 cipher", e);
            }
            ownChaCha = null;
        } else {
            jceChaCha = null;
            ownChaCha = new ChaCha20();
        }
    }

    /** Whether the JDK's ChaCha20 cipher is present (it is in every SunJCE since JDK 11). */
    static boolean jdkChaCha20Available() {
        try {
            Cipher.getInstance("ChaCha20", JdkChaCha20Poly1305.PROVIDER);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    void setKey(byte[] key32) {
        if (key32.length != ChaCha20Poly1305Aead.KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        if (ownChaCha != null) {
            ownChaCha.setKey(key32, 0);
        } else {
            if (jceKey != null) {
                jceKey.destroy();
            }
            jceKey = new JdkChaCha20Poly1305.WipeableKey(key32);
            haveLastNonce = false;
        }
        haveKey = true;
    }

    /** As {@link ChaCha20Poly1305Aead#seal}, for at most {@link #MAX_MESSAGE} bytes of plaintext. */
    void seal(byte[] nonce, byte[] aad, int first, ByteBuffer plaintext, ByteBuffer out) {
        requireKey();
        int len = plaintext.remaining() + (first == ChaCha20Poly1305Aead.NO_FIRST_BYTE ? 0 : 1);
        requireSmall(len);
        byte[] s = scratch;
        int p = BLOCK;
        if (first != ChaCha20Poly1305Aead.NO_FIRST_BYTE) {
            s[p++] = (byte) first;
        }
        plaintext.get(s, p, plaintext.remaining());
        boolean encrypted = false;
        try {
            keystreamXor(nonce, BLOCK + len);
            encrypted = true;
            startTag(aad);
            poly.updatePadded(s, BLOCK, len);
            finishTag(aad.length, len, tag);
            if (out.hasArray()) { // skips the per-call checks of ByteBuffer.put, a few percent of a small packet
                int at = out.arrayOffset() + out.position();
                System.arraycopy(s, BLOCK, out.array(), at, len);
                System.arraycopy(tag, 0, out.array(), at + len, TAG_LENGTH);
                out.position(out.position() + len + TAG_LENGTH);
            } else {
                out.put(s, BLOCK, len);
                out.put(tag);
            }
        } finally {
            // once encrypted, scratch holds only ciphertext after the Poly1305 key block
            Arrays.fill(s, 0, encrypted ? BLOCK : BLOCK + len, (byte) 0);
            Arrays.fill(tag, (byte) 0);
        }
    }

    /** As {@link ChaCha20Poly1305Aead#open}, for at most {@link #MAX_MESSAGE} bytes of plaintext. */
    int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws AuthenticationException {
        requireKey();
        if (inLen < TAG_LENGTH) {
            throw new AuthenticationException("ciphertext shorter than its tag");
        }
        int len = inLen - TAG_LENGTH;
        requireSmall(len);
        byte[] s = scratch;
        System.arraycopy(in, inOff, s, BLOCK, len);
        try {
            keystreamXor(nonce, BLOCK + len); // the plaintext is now in scratch, released only if the tag verifies
            startTag(aad);
            poly.updatePadded(in, inOff, len);
            finishTag(aad.length, len, tag);
            int diff = 0;
            for (int i = 0; i < TAG_LENGTH; i++) {
                diff |= tag[i] ^ in[inOff + len + i];
            }
            if (diff != 0) {
                throw new AuthenticationException("packet failed authentication");
            }
            System.arraycopy(s, BLOCK, out, outOff, len);
            return len;
        } finally {
            Arrays.fill(s, 0, BLOCK + len, (byte) 0);
            Arrays.fill(tag, (byte) 0);
        }
    }

    void destroy() {
        if (ownChaCha != null) {
            ownChaCha.destroy();
        }
        if (jceKey != null) {
            jceKey.destroy();
            jceKey = null;
            try {
                // the cipher zeroes its copy of the previous key and its state when re-initialised
                jceChaCha.init(Cipher.DECRYPT_MODE, new JdkChaCha20Poly1305.WipeableKey(new byte[32]),
                        new ChaCha20ParameterSpec(new byte[12], 0));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not scrub the JDK ChaCha20 cipher", e);
            }
        }
        poly.destroy();
        Arrays.fill(scratch, (byte) 0);
        haveKey = false;
    }

    /**
     * XORs keystream blocks 0, 1, ... of this nonce over {@code scratch[0..length)}; the first block of scratch is zero,
     * so it receives keystream block 0, the Poly1305 key, and the message after it is en- or decrypted from block 1 on.
     */
    private void keystreamXor(byte[] nonce, int length) {
        if (ownChaCha != null) {
            ownChaCha.setNonce(nonce);
            ownChaCha.xor(0, scratch, 0, scratch, 0, length);
            return;
        }
        try {
            if (haveLastNonce && Arrays.equals(nonce, lastNonce)) {
                // JDK 17 to 19 refuse a repeated (key, nonce) in decrypt mode too; a repeat happens only when a
                // message is opened again or sealed and opened under one key (tests), never for two seals
                lastNonce[0] ^= 1;
                jceChaCha.init(Cipher.DECRYPT_MODE, jceKey, new ChaCha20ParameterSpec(lastNonce, 0));
            }
            haveLastNonce = false;
            jceChaCha.init(Cipher.DECRYPT_MODE, jceKey, new ChaCha20ParameterSpec(nonce, 0));
            System.arraycopy(nonce, 0, lastNonce, 0, lastNonce.length);
            haveLastNonce = true;
            jceChaCha.doFinal(scratch, 0, length, scratch, 0);
        } catch (GeneralSecurityException e) {
            haveLastNonce = false;
            throw new IllegalStateException("ChaCha20 keystream failed", e);
        }
    }

    private void startTag(byte[] aad) {
        poly.init(scratch, 0);
        poly.updatePadded(aad, 0, aad.length);
    }

    /** Absorbs le64(aad length) || le64(ciphertext length) and writes the tag. */
    private void finishTag(int aadLength, int ciphertextLength, byte[] out) {
        poly.block(aadLength & 0xFFFFFFFFL, ciphertextLength & 0xFFFFFFFFL);
        poly.finish(out, 0);
    }

    private static void requireSmall(int len) {
        if (len > MAX_MESSAGE) {
            throw new IllegalArgumentException("message of " + len + " bytes exceeds " + MAX_MESSAGE);
        }
    }

    private void requireKey() {
        if (!haveKey) {
            throw new IllegalStateException("no key set");
        }
    }
}

package org.bip324shaper.core.internal.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * {@link ChaCha20Poly1305Aead} over BouncyCastle's lightweight {@link ChaCha20Poly1305}: pure Java, so equally fast
 * (and equally slow) on every JDK. Its tag check is {@code Arrays.constantTimeAreEqual}. It releases plaintext before
 * the tag is checked, so a failed {@link #open} zeroes what it wrote.
 */
final class BouncyCastleChaCha20Poly1305 implements ChaCha20Poly1305Aead {
    /** Staging size for direct (off-heap) buffers, which BouncyCastle cannot address. */
    private static final int STAGING = 16 * 1024;

    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private KeyParameter key;
    private byte[] stagingIn;
    private byte[] stagingOut;

    @Override
    public AeadBackend backend() {
        return AeadBackend.BOUNCY_CASTLE;
    }

    @Override
    public void setKey(byte[] key32) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        wipeKey();
        key = new KeyParameter(key32);
    }

    @Override
    public void seal(byte[] nonce, byte[] aad, int first, ByteBuffer plaintext, ByteBuffer out) {
        aead.init(true, new ParametersWithIV(requireKey(), nonce));
        if (aad.length > 0) {
            aead.processAADBytes(aad, 0, aad.length);
        }
        if (first != NO_FIRST_BYTE) {
            emit(aead.processByte((byte) first, outArray(out), outOffset(out)), out);
        }
        if (plaintext.hasArray()) {
            int len = plaintext.remaining();
            process(plaintext.array(), plaintext.arrayOffset() + plaintext.position(), len, out);
            plaintext.position(plaintext.limit());
        } else {
            byte[] in = staging();
            while (plaintext.hasRemaining()) {
                int n = Math.min(in.length, plaintext.remaining());
                plaintext.get(in, 0, n);
                process(in, 0, n, out);
            }
        }
        try {
            emit(aead.doFinal(outArray(out), outOffset(out)), out);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption cannot fail", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws AuthenticationException {
        if (inLen < TAG_LENGTH) {
            throw new AuthenticationException("ciphertext shorter than its tag");
        }
        aead.init(false, new ParametersWithIV(requireKey(), nonce));
        if (aad.length > 0) {
            aead.processAADBytes(aad, 0, aad.length);
        }
        int plainLen = inLen - TAG_LENGTH;
        try {
            int n = aead.processBytes(in, inOff, inLen, out, outOff);
            n += aead.doFinal(out, outOff + n);
            return n;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, outOff, outOff + plainLen, (byte) 0);
            throw new AuthenticationException("packet failed authentication");
        }
    }

    @Override
    public void destroy() {
        wipeKey();
        // Re-keying with zeros overwrites the copies of the key and the Poly1305 key inside the engine.
        aead.init(false, new ParametersWithIV(new KeyParameter(new byte[KEY_LENGTH]), new byte[NONCE_LENGTH]));
        if (stagingIn != null) {
            Arrays.fill(stagingIn, (byte) 0);
            Arrays.fill(stagingOut, (byte) 0);
        }
    }

    /** Runs plaintext bytes through the engine, which emits whole 64-byte blocks as it goes. */
    private void process(byte[] in, int inOff, int len, ByteBuffer out) {
        if (out.hasArray()) {
            emit(aead.processBytes(in, inOff, len, out.array(), out.arrayOffset() + out.position()), out);
            return;
        }
        for (int done = 0; done < len; ) {
            int n = Math.min(STAGING, len - done);
            emit(aead.processBytes(in, inOff + done, n, outArray(out), 0), out);
            done += n;
        }
    }

    /** Accounts for {@code n} bytes the engine just wrote at {@link #outArray}/{@link #outOffset}. */
    private void emit(int n, ByteBuffer out) {
        if (out.hasArray()) {
            out.position(out.position() + n);
        } else {
            out.put(stagingOut, 0, n);
        }
    }

    private byte[] outArray(ByteBuffer out) {
        if (out.hasArray()) {
            return out.array();
        }
        staging();
        return stagingOut;
    }

    private int outOffset(ByteBuffer out) {
        return out.hasArray() ? out.arrayOffset() + out.position() : 0;
    }

    /**
     * Lazily allocated staging arrays for direct buffers. Fed at most STAGING bytes, the engine emits at most those
     * plus one buffered block (and, at the end, a partial block and the tag), so STAGING + 128 bytes of output suffice.
     */
    private byte[] staging() {
        if (stagingIn == null) {
            stagingIn = new byte[STAGING];
            stagingOut = new byte[STAGING + 128];
        }
        return stagingIn;
    }

    private KeyParameter requireKey() {
        if (key == null) {
            throw new IllegalStateException("no key set");
        }
        return key;
    }

    private void wipeKey() {
        if (key != null) {
            Arrays.fill(key.getKey(), (byte) 0);
            key = null;
        }
    }
}

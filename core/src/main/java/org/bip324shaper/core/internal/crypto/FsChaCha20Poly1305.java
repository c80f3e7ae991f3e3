package org.bip324shaper.core.internal.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.crypto.AeadBackend;

/**
 * BIP-324's FSChaCha20Poly1305: RFC 8439 ChaCha20-Poly1305 whose nonce is the message counter,
 * {@code LE32(counter % 224) || LE64(counter / 224)}, and whose key is replaced after every 224 messages by the first
 * 32 bytes of {@code AEAD-encrypt(key, 0xFFFFFFFF || LE64(counter / 224), aad = "", 32 zero bytes)}, so that a stolen
 * key does not decrypt earlier packets.
 *
 * <p>An instance serves one direction: either only encrypt or only decrypt (the counters of the two ends must stay
 * in step). A failed decryption ends the instance: every later call throws {@link HandshakeStateException}, as the
 * connection must be closed. Not thread-safe.
 */
public final class FsChaCha20Poly1305 implements Destroyable {
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = ChaCha20Poly1305Aead.TAG_LENGTH;
    public static final int REKEY_INTERVAL = 224;

    private static final byte[] EMPTY = new byte[0];

    private final ChaCha20Poly1305Aead aead;
    private final byte[] nonce = new byte[ChaCha20Poly1305Aead.NONCE_LENGTH];
    private long counter;
    private boolean failed;
    private boolean destroyed;

    /** Uses {@link AeadBackend#preferred()}. */
    public FsChaCha20Poly1305(byte[] key32) {
        this(key32, AeadBackend.preferred());
    }

    /** @param key32 the 32-byte initial key (copied; wipe yours when done) */
    public FsChaCha20Poly1305(byte[] key32, AeadBackend backend) {
        Objects.requireNonNull(key32, "key32");
        Objects.requireNonNull(backend, "backend");
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("FSChaCha20Poly1305 key must be " + KEY_LENGTH + " bytes, got "
                    + key32.length);
        }
        this.aead = Aeads.create(backend);
        aead.setKey(key32);
    }

    public AeadBackend backend() {
        return aead.backend();
    }

    /** Messages encrypted or decrypted so far: the next message's counter. */
    public long messageCount() {
        return counter;
    }

    /** Encrypts {@code plaintext}; returns ciphertext || 16-byte tag. {@code aad} may be null (empty). */
    public byte[] encrypt(byte[] aad, byte[] plaintext) {
        byte[] out = new byte[Math.addExact(plaintext.length, TAG_LENGTH)];
        encrypt(aad, ByteBuffer.wrap(plaintext), ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Encrypts the remaining bytes of {@code plaintext} into {@code out} (ciphertext then tag); both positions
     * advance.
     *
     * @return bytes written: plaintext length + 16
     * @throws IllegalArgumentException if {@code out} has less room than that or is read-only (nothing is consumed)
     */
    public int encrypt(byte[] aad, ByteBuffer plaintext, ByteBuffer out) {
        return seal(aad, ChaCha20Poly1305Aead.NO_FIRST_BYTE, plaintext, out);
    }

    /**
     * Encrypts the plaintext {@code first || remaining bytes of rest} into {@code out}: lets the packet layer put its
     * header byte in front of the contents without copying them.
     *
     * @return bytes written: 1 + rest length + 16
     */
    public int encrypt(byte[] aad, byte first, ByteBuffer rest, ByteBuffer out) {
        return seal(aad, first & 0xff, rest, out);
    }

    /** Decrypts ciphertext || tag; returns the plaintext. {@code aad} may be null (empty). */
    public byte[] decrypt(byte[] aad, byte[] ciphertext) throws AuthenticationException {
        if (ciphertext.length < TAG_LENGTH) {
            checkUsable();
            fail();
            throw new AuthenticationException("ciphertext shorter than its tag");
        }
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        decrypt(aad, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    /**
     * Verifies and decrypts {@code inLen} bytes of ciphertext || tag into {@code out} at {@code outOff}. In-place
     * (same array and offset) is allowed. On failure nothing derived from the plaintext is left in {@code out}.
     *
     * @return the plaintext length, {@code inLen - 16}
     * @throws AuthenticationException if the tag does not verify; the instance is then unusable
     */
    public int decrypt(byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws AuthenticationException {
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        checkUsable();
        if (inLen < TAG_LENGTH) {
            fail();
            throw new AuthenticationException("ciphertext shorter than its tag");
        }
        Objects.checkFromIndexSize(outOff, inLen - TAG_LENGTH, out.length);
        int n;
        try {
            n = aead.open(nextNonce(), aad == null ? EMPTY : aad, in, inOff, inLen, out, outOff);
        } catch (AuthenticationException | RuntimeException e) {
            fail();
            throw e;
        }
        advance();
        return n;
    }

    @Override
    public void destroy() {
        destroyed = true;
        aead.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private int seal(byte[] aad, int first, ByteBuffer plaintext, ByteBuffer out) {
        checkUsable();
        int plainLen = plaintext.remaining() + (first == ChaCha20Poly1305Aead.NO_FIRST_BYTE ? 0 : 1);
        int outLen = Math.addExact(plainLen, TAG_LENGTH);
        if (out.isReadOnly()) {
            throw new IllegalArgumentException("output buffer is read-only");
        }
        if (out.remaining() < outLen) {
            throw new IllegalArgumentException("output buffer has " + out.remaining() + " bytes left, needs " + outLen);
        }
        try {
            aead.seal(nextNonce(), aad == null ? EMPTY : aad, first, plaintext, out);
        } catch (RuntimeException e) {
            fail(); // the output and the counter can no longer be trusted to match the peer's
            throw e;
        }
        advance();
        return outLen;
    }

    private byte[] nextNonce() {
        writeNonce((int) (counter % REKEY_INTERVAL), counter / REKEY_INTERVAL);
        return nonce;
    }

    /** Counts the message just processed and rekeys after the last one of an epoch. */
    private void advance() {
        if ((counter + 1) % REKEY_INTERVAL == 0) {
            writeNonce(0xFFFFFFFF, counter / REKEY_INTERVAL);
            byte[] block = new byte[KEY_LENGTH + TAG_LENGTH];
            byte[] nextKey = null;
            try {
                aead.seal(nonce, EMPTY, ChaCha20Poly1305Aead.NO_FIRST_BYTE,
                        ByteBuffer.wrap(new byte[KEY_LENGTH]), ByteBuffer.wrap(block));
                nextKey = Arrays.copyOf(block, KEY_LENGTH);
                aead.setKey(nextKey);
            } catch (RuntimeException e) {
                fail();
                throw e;
            } finally {
                Arrays.fill(block, (byte) 0);
                if (nextKey != null) {
                    Arrays.fill(nextKey, (byte) 0);
                }
            }
        }
        counter++;
    }

    private void writeNonce(int first32, long epoch) {
        for (int i = 0; i < 4; i++) {
            nonce[i] = (byte) (first32 >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (epoch >>> (8 * i));
        }
    }

    private void checkUsable() {
        if (destroyed) {
            throw new HandshakeStateException("FSChaCha20Poly1305 was destroyed");
        }
        if (failed) {
            throw new HandshakeStateException("FSChaCha20Poly1305 failed earlier; the connection must be closed");
        }
    }

    private void fail() {
        failed = true;
    }
}

package org.bip324shaper.core.internal.crypto;

import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * BIP-324's FSChaCha20: the unauthenticated stream cipher that hides packet lengths. One instance per direction;
 * encryption and decryption are the same {@link #crypt} call.
 *
 * <p>All 224 three-byte chunks of a key epoch come from one continuous ChaCha20 keystream (nonce
 * {@code 0x00000000 || LE64(epoch)}, block counter from 0); the 32 keystream bytes after the 224th chunk become the next
 * key. Since 224 * 3 + 32 = 704 bytes is exactly 11 ChaCha20 blocks, the whole epoch is generated at once, and each
 * chunk's bytes are zeroed once used so that a later memory dump does not reveal past lengths. The keystream comes
 * from BouncyCastle's RFC 7539 ChaCha20 whatever the {@link AeadBackend}: it costs one call per 224 packets.
 *
 * <p>Not thread-safe.
 */
public final class FsChaCha20 implements Destroyable {
    public static final int KEY_LENGTH = 32;
    /** Bytes per {@link #crypt} call: the length field of a packet. */
    public static final int CHUNK_LENGTH = 3;
    /** Chunks per key. */
    public static final int REKEY_INTERVAL = 224;

    private static final int EPOCH_KEYSTREAM = CHUNK_LENGTH * REKEY_INTERVAL + KEY_LENGTH;

    private final ChaCha7539Engine chacha = new ChaCha7539Engine();
    private final byte[] keystream = new byte[EPOCH_KEYSTREAM];
    private final byte[] nonce = new byte[12];
    private long chunkCounter;
    /** Offset of the next chunk's keystream in {@link #keystream}: {@code (chunkCounter % 224) * 3}. */
    private int position;
    private boolean destroyed;

    /** @param key32 the 32-byte initial key (copied; wipe yours when done) */
    public FsChaCha20(byte[] key32) {
        Objects.requireNonNull(key32, "key32");
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("FSChaCha20 key must be " + KEY_LENGTH + " bytes, got " + key32.length);
        }
        startEpoch(key32.clone(), 0);
    }

    /**
     * Encrypts or decrypts one 3-byte chunk. {@code in} and {@code out} may be the same array, even overlapping.
     *
     * @throws IndexOutOfBoundsException if either range does not hold 3 bytes
     * @throws IllegalStateException     after {@link #destroy()}
     */
    public void crypt(byte[] in, int inOff, byte[] out, int outOff) {
        Objects.checkFromIndexSize(inOff, CHUNK_LENGTH, in.length);
        Objects.checkFromIndexSize(outOff, CHUNK_LENGTH, out.length);
        if (destroyed) {
            throw new IllegalStateException("FSChaCha20 was destroyed");
        }
        int ks = position;
        byte b0 = in[inOff];
        byte b1 = in[inOff + 1];
        byte b2 = in[inOff + 2];
        out[outOff] = (byte) (b0 ^ keystream[ks]);
        out[outOff + 1] = (byte) (b1 ^ keystream[ks + 1]);
        out[outOff + 2] = (byte) (b2 ^ keystream[ks + 2]);
        keystream[ks] = 0;
        keystream[ks + 1] = 0;
        keystream[ks + 2] = 0;
        chunkCounter++;
        position = ks + CHUNK_LENGTH;
        if (position == CHUNK_LENGTH * REKEY_INTERVAL) {
            startEpoch(Arrays.copyOfRange(keystream, position, position + KEY_LENGTH), chunkCounter / REKEY_INTERVAL);
            position = 0;
        }
    }

    /** How many chunks this instance has processed. */
    public long chunkCount() {
        return chunkCounter;
    }

    @Override
    public void destroy() {
        Arrays.fill(keystream, (byte) 0);
        scrubEngine();
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Generates the whole keystream of one epoch from its key, then wipes the key (which it consumes). */
    private void startEpoch(byte[] key, long epoch) {
        Arrays.fill(nonce, (byte) 0);
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (epoch >>> (8 * i));
        }
        KeyParameter keyParam = new KeyParameter(key);
        Arrays.fill(key, (byte) 0);
        chacha.init(true, new ParametersWithIV(keyParam, nonce));
        Arrays.fill(keyParam.getKey(), (byte) 0); // the engine has unpacked the key into its own state
        Arrays.fill(keystream, (byte) 0);
        chacha.processBytes(keystream, 0, EPOCH_KEYSTREAM, keystream, 0);
        scrubEngine();
    }

    /** The engine keeps the key in its state and the last block (holding the next key) in its buffer. */
    private void scrubEngine() {
        chacha.init(true, new ParametersWithIV(new KeyParameter(new byte[KEY_LENGTH]), new byte[12]));
    }
}

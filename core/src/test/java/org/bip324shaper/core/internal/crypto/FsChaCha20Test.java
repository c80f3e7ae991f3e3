package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.bip324shaper.core.Hex;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

class FsChaCha20Test {
    /** RFC 8439 appendix A.1, test vectors 1 and 2: all-zero key and nonce, block counters 0 and 1. */
    private static final String ZERO_KEY_BLOCKS_0_1 =
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                    + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"
                    + "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
                    + "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f";

    @Test
    void theFirstEpochIsPlainChaCha20WithAZeroNonceAcrossChunks() {
        FsChaCha20 cipher = new FsChaCha20(new byte[32]);
        ByteArrayOutputStream keystream = new ByteArrayOutputStream();
        byte[] chunk = new byte[3];
        for (int i = 0; i < 42; i++) {
            Arrays.fill(chunk, (byte) 0);
            cipher.crypt(chunk, 0, chunk, 0);
            keystream.writeBytes(chunk);
        }
        assertEquals(ZERO_KEY_BLOCKS_0_1.substring(0, 2 * 126), Hex.encode(keystream.toByteArray()));
        assertEquals(42, cipher.chunkCount());
    }

    /** The BIP's definition, written with a streaming ChaCha20: 224 chunks per key, the next 32 bytes are the key. */
    private static final class Reference {
        private final ChaCha7539Engine chacha = new ChaCha7539Engine();
        private long chunks;

        Reference(byte[] key) {
            rekey(key, 0);
        }

        byte[] crypt(byte[] chunk) {
            byte[] out = new byte[3];
            chacha.processBytes(chunk, 0, 3, out, 0);
            if (++chunks % 224 == 0) {
                byte[] next = new byte[32];
                chacha.processBytes(new byte[32], 0, 32, next, 0);
                rekey(next, chunks / 224);
            }
            return out;
        }

        private void rekey(byte[] key, long epoch) {
            byte[] nonce = new byte[12];
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (epoch >>> (8 * i));
            }
            chacha.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        }
    }

    @Test
    void matchesTheBipDefinitionAcrossFiveRekeys() {
        Random random = new Random(224);
        byte[] key = new byte[32];
        random.nextBytes(key);
        FsChaCha20 cipher = new FsChaCha20(key);
        Reference reference = new Reference(key);
        for (int i = 0; i < 5 * 224 + 17; i++) {
            byte[] chunk = new byte[3];
            random.nextBytes(chunk);
            byte[] expected = reference.crypt(chunk);
            byte[] got = new byte[3];
            cipher.crypt(chunk, 0, got, 0);
            assertArrayEquals(expected, got, "chunk " + i);
        }
        assertEquals(5 * 224 + 17, cipher.chunkCount());
    }

    @Test
    void decryptionUndoesEncryptionAcrossRekeys() {
        byte[] key = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        FsChaCha20 sender = new FsChaCha20(key);
        FsChaCha20 receiver = new FsChaCha20(key);
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            byte[] plain = new byte[3];
            random.nextBytes(plain);
            byte[] wire = new byte[5];
            sender.crypt(plain, 0, wire, 2);
            byte[] back = new byte[3];
            receiver.crypt(wire, 2, back, 0);
            assertArrayEquals(plain, back, "chunk " + i);
        }
    }

    @Test
    void inPlaceAndOverlappingRangesWork() {
        byte[] key = new byte[32];
        key[0] = 9;
        byte[] expected = new byte[3];
        new FsChaCha20(key).crypt(new byte[] {1, 2, 3}, 0, expected, 0);

        byte[] inPlace = {1, 2, 3};
        new FsChaCha20(key).crypt(inPlace, 0, inPlace, 0);
        assertArrayEquals(expected, inPlace);

        byte[] overlapping = {1, 2, 3, 0};
        new FsChaCha20(key).crypt(overlapping, 0, overlapping, 1);
        assertArrayEquals(expected, Arrays.copyOfRange(overlapping, 1, 4));
    }

    @Test
    void rejectsBadKeysRangesAndUseAfterDestroy() {
        assertThrows(IllegalArgumentException.class, () -> new FsChaCha20(new byte[31]));
        assertThrows(NullPointerException.class, () -> new FsChaCha20(null));
        FsChaCha20 cipher = new FsChaCha20(new byte[32]);
        assertThrows(IndexOutOfBoundsException.class, () -> cipher.crypt(new byte[2], 0, new byte[3], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> cipher.crypt(new byte[3], 0, new byte[3], 1));
        assertEquals(0, cipher.chunkCount());
        cipher.destroy();
        assertThrows(IllegalStateException.class, () -> cipher.crypt(new byte[3], 0, new byte[3], 0));
    }
}

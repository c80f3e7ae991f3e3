package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class FsChaCha20Poly1305Test {
    private static final byte[] KEY = Hex.decode("5c9e1c3951a74fba66708bf9d2c217571684556b6a6a3573bff2847d38612654");

    /** Bitcoin Core's FSChaCha20Poly1305 vectors (src/test/crypto_tests.cpp): message msgIdx after msgIdx empty ones. */
    @ParameterizedTest(name = "{4} / message {3}")
    @CsvSource({
        "d6a4cb04ef0f7c09c1866ed29dc24d820e75b0491032a51b4c3366f9ca35c19ea3047ec6be9d45f9637b63e1cf9eb4c2523a5aab7b851e"
                + "beba87199db0e839cf0d5c25e50168306377aedbe9089fd2463ded88b83211cf51b73b150608cc7a600d0f11b9a742948482e1b1"
                + "09d8faf15b450aa7322e892fa2208c6691e3fecf4c711191b14d75a72147, 786cb9b6ebf44288974cf0,"
                + "5c9e1c3951a74fba66708bf9d2c217571684556b6a6a3573bff2847d38612654, 500,"
                + "9dcebbd3281ea3dd8e9a1ef7d55a97abd6743e56ebc0c190cb2c4e14160b385e0bf508dddf754bd02c7c208447c131ce23e47a4a"
                + "14dfaf5dd8bc601323950f754e05d46e9232f83fc5120fbbef6f5347a826ec79a93820718d4ec7a2b7cfaaa44b21e16d726448b6"
                + "2f803811aff4f6d827ed78e738ce8a507b81a8ae131311928039213de18a5120dc9b7370baca878f50ff254418de3da50c",
        "8349b7a2690b63d01204800c288ff1138a1d473c832c90ea8b3fc102d0bb3adc44261b247c7c3d6760bfbe979d061c305f46d94c0582"
                + "ac3099f0bf249f8cb234, '', 3bd2093fcbcb0d034d8c569583c5425c1a53171ea299f8cc3bbf9ae3530adfce, 60000,"
                + "30a6757ff8439b975363f166a0fa0e36722ab35936abd704297948f45083f4d499433137ce931f7fca28a0acd3bc30f57b550acb"
                + "c21cbd45bbef0739d9caf30c14b94829deb27f0b1923a2af704ae5d6",
    })
    void matchesBitcoinCoreVectorsWithBothBackends(String plain, String aad, String key, int msgIdx, String sealed)
            throws Exception {
        for (AeadBackend backend : AeadBackend.values()) {
            FsChaCha20Poly1305 enc = new FsChaCha20Poly1305(Hex.decode(key), backend);
            FsChaCha20Poly1305 dec = new FsChaCha20Poly1305(Hex.decode(key), backend);
            for (int i = 0; i < msgIdx; i++) {
                byte[] empty = enc.encrypt(null, new byte[0]);
                assertEquals(0, dec.decrypt(null, empty).length);
            }
            assertEquals(sealed, Hex.encode(enc.encrypt(Hex.decode(aad), Hex.decode(plain))), backend.name());
            assertEquals(plain, Hex.encode(dec.decrypt(Hex.decode(aad), Hex.decode(sealed))), backend.name());
            assertEquals(msgIdx + 1, enc.messageCount());
        }
    }

    /**
     * An independent formulation of the BIP: each message through BouncyCastle's AEAD with the nonce spelled out, and
     * the rekey taken as keystream bytes 64..95 under nonce 0xFFFFFFFF || epoch (the BIP's footnote: equivalent to
     * encrypting 32 zero bytes), so no Poly1305 is involved in the reference's rekey.
     */
    private static byte[] referenceSeal(byte[] initialKey, long message, byte[] aad, byte[] plain) throws Exception {
        byte[] key = initialKey.clone();
        for (long epoch = 0; epoch < message / 224; epoch++) {
            byte[] nonce = nonce(0xFFFFFFFF, epoch);
            ChaCha7539Engine chacha = new ChaCha7539Engine();
            chacha.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
            byte[] keystream = new byte[96];
            chacha.processBytes(new byte[96], 0, 96, keystream, 0);
            key = Arrays.copyOfRange(keystream, 64, 96);
        }
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, new AEADParameters(new KeyParameter(key), 128, nonce((int) (message % 224), message / 224), aad));
        byte[] out = new byte[plain.length + 16];
        int n = aead.processBytes(plain, 0, plain.length, out, 0);
        aead.doFinal(out, n);
        return out;
    }

    private static byte[] nonce(int first, long second) {
        return ChaCha20Poly1305AeadTest.nonce(first, second);
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void rekeysEvery224MessagesAsTheBipDefines(AeadBackend backend) throws Exception {
        Random random = new Random(448);
        FsChaCha20Poly1305 cipher = new FsChaCha20Poly1305(KEY, backend);
        for (long i = 0; i <= 900; i++) {
            byte[] aad = ChaCha20Poly1305AeadTest.bytes(random, (int) (i % 3));
            byte[] plain = ChaCha20Poly1305AeadTest.bytes(random, random.nextInt(80));
            byte[] sealed = cipher.encrypt(aad, plain);
            boolean boundary = i % 224 >= 222 || i % 224 <= 1;
            if (boundary || i % 37 == 0) {
                assertArrayEquals(referenceSeal(KEY, i, aad, plain), sealed, "message " + i);
            }
        }
    }

    @Test
    void eachBackendDecryptsTheOther() throws Exception {
        for (AeadBackend sender : AeadBackend.values()) {
            AeadBackend receiver = sender == AeadBackend.JDK ? AeadBackend.BOUNCY_CASTLE : AeadBackend.JDK;
            FsChaCha20Poly1305 enc = new FsChaCha20Poly1305(KEY, sender);
            FsChaCha20Poly1305 dec = new FsChaCha20Poly1305(KEY, receiver);
            FsChaCha20Poly1305 twin = new FsChaCha20Poly1305(KEY, receiver);
            Random random = new Random(7);
            for (int i = 0; i < 1000; i++) {
                byte[] plain = ChaCha20Poly1305AeadTest.bytes(random, i % 224 == 223 ? 5000 : random.nextInt(300));
                byte[] sealed = enc.encrypt(null, plain);
                assertArrayEquals(sealed, twin.encrypt(null, plain), "message " + i);
                assertArrayEquals(plain, dec.decrypt(null, sealed), "message " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void aLeadingByteAndOffsetsGiveTheSameMessage(AeadBackend backend) throws Exception {
        byte[] plain = Hex.decode("80" + "0102030405060708090a0b0c0d0e0f10111213141516171819");
        byte[] whole = new FsChaCha20Poly1305(KEY, backend).encrypt(new byte[] {1}, plain);

        ByteBuffer out = ByteBuffer.allocate(whole.length + 4);
        out.position(4);
        int n = new FsChaCha20Poly1305(KEY, backend).encrypt(new byte[] {1}, (byte) 0x80,
                ByteBuffer.wrap(plain, 1, plain.length - 1), out);
        assertEquals(whole.length, n);
        assertArrayEquals(whole, Arrays.copyOfRange(out.array(), 4, out.array().length));

        byte[] buffer = new byte[whole.length + 9];
        System.arraycopy(whole, 0, buffer, 9, whole.length);
        int plainLength = new FsChaCha20Poly1305(KEY, backend).decrypt(new byte[] {1}, buffer, 9, whole.length, buffer, 9);
        assertArrayEquals(plain, Arrays.copyOfRange(buffer, 9, 9 + plainLength));
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void aFailedDecryptionEndsTheInstance(AeadBackend backend) throws Exception {
        FsChaCha20Poly1305 enc = new FsChaCha20Poly1305(KEY, backend);
        FsChaCha20Poly1305 dec = new FsChaCha20Poly1305(KEY, backend);
        dec.decrypt(null, enc.encrypt(null, new byte[10]));
        byte[] second = enc.encrypt(null, new byte[10]);
        second[3] ^= 4;
        assertThrows(AuthenticationException.class, () -> dec.decrypt(null, second));
        second[3] ^= 4;
        assertThrows(HandshakeStateException.class, () -> dec.decrypt(null, second));
        assertThrows(HandshakeStateException.class, () -> dec.encrypt(null, new byte[1]));

        FsChaCha20Poly1305 shortInput = new FsChaCha20Poly1305(KEY, backend);
        assertThrows(AuthenticationException.class, () -> shortInput.decrypt(null, new byte[15]));
        assertThrows(HandshakeStateException.class, () -> shortInput.decrypt(null, new byte[16]));
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void aTooSmallOutputIsRejectedWithoutSpendingANonce(AeadBackend backend) throws Exception {
        FsChaCha20Poly1305 enc = new FsChaCha20Poly1305(KEY, backend);
        FsChaCha20Poly1305 dec = new FsChaCha20Poly1305(KEY, backend);
        ByteBuffer plain = ByteBuffer.wrap(new byte[20]);
        assertThrows(IllegalArgumentException.class, () -> enc.encrypt(null, plain, ByteBuffer.allocate(35)));
        assertThrows(IllegalArgumentException.class,
                () -> enc.encrypt(null, plain, ByteBuffer.allocate(36).asReadOnlyBuffer()));
        assertEquals(20, plain.remaining());
        assertEquals(0, enc.messageCount());
        ByteBuffer out = ByteBuffer.allocate(36);
        assertEquals(36, enc.encrypt(null, plain, out));
        assertArrayEquals(new byte[20], dec.decrypt(null, out.array()));
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void destroyEndsTheInstance(AeadBackend backend) {
        FsChaCha20Poly1305 cipher = new FsChaCha20Poly1305(KEY, backend);
        assertEquals(backend, cipher.backend());
        cipher.destroy();
        assertEquals(true, cipher.isDestroyed());
        assertThrows(HandshakeStateException.class, () -> cipher.encrypt(null, new byte[1]));
        assertThrows(HandshakeStateException.class, () -> cipher.decrypt(null, new byte[17]));
    }

    @Test
    void rejectsBadKeys() {
        assertThrows(IllegalArgumentException.class, () -> new FsChaCha20Poly1305(new byte[16], AeadBackend.JDK));
        assertThrows(NullPointerException.class, () -> new FsChaCha20Poly1305(KEY, null));
    }
}

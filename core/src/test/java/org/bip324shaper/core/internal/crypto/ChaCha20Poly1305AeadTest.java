package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.crypto.AeadBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Both raw AEAD backends against RFC 8439 and Bitcoin Core's ChaCha20Poly1305 vectors, and against each other. */
class ChaCha20Poly1305AeadTest {
    /** key, nonce, aad, plaintext, ciphertext || tag. */
    record Vector(String name, String key, byte[] nonce, String aad, String plain, String sealed) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Bitcoin Core writes nonces as {LE32 word, LE64 word}. */
    static byte[] nonce(int first, long second) {
        byte[] n = new byte[12];
        for (int i = 0; i < 4; i++) {
            n[i] = (byte) (first >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (second >>> (8 * i));
        }
        return n;
    }

    static final Vector[] VECTORS = {
        new Vector("RFC 8439 2.8.2", "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                nonce(7, 0x4746454443424140L), "50515253c0c1c2c3c4c5c6c7",
                "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
                        + "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
                        + "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
                        + "637265656e20776f756c642062652069742e",
                "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                        + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                        + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                        + "3ff4def08e4b7a9de576d26586cec64b61161ae10b594f09e26a7e902ecbd060"
                        + "0691"),
        new Vector("RFC 8439 A.5", "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
                nonce(0, 0x0807060504030201L), "f33388860000000000004e91",
                "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
                        + "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
                        + "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
                        + "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
                        + "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
                        + "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
                        + "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
                        + "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
                        + "726573732e2fe2809d",
                "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
                        + "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
                        + "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
                        + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
                        + "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
                        + "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
                        + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
                        + "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
                        + "a6ad5cb4022b02709beead9d67890cbb22392336fea1851f38"),
        new Vector("Core: 48-byte plaintext, no aad",
                "72ddc73f07101282bbbcf853b9012a9f9695fc5d36b303a97fd0845d0314e0c3",
                nonce(0x3432b75f, 0xb3585537eb7f4024L), "",
                "8d2d6a8befd9716fab35819eaac83b33269afb9f1a00fddf66095a6c0cd91951a6b7ad3db580be0674c3f0b55f618e34",
                "f760b8224fb2a317b1b07875092606131232a5b86ae142df5df1c846a7f6341a"
                        + "f2564483dd77f836be45e6230808ffe402a6f0a3e8be074b3d1f4ea8a7b09451"),
        new Vector("Core: empty plaintext, 64-byte aad",
                "77adda51d6730b9ad6c995658cbd49f581b2547e7c0c08fcc24ceec797461021",
                nonce(0x1f90da88, 0x75dafa3ef84471a4L),
                "36970d8a704c065de16250c18033de5a400520ac1b5842b24551e5823a3314f3"
                        + "946285171e04a81ebfbe3566e312e74ab80e94c7dd2ff4e10de0098a58d0f503",
                "", "aaae5bb81e8407c94b2ae86ae0c7efbe"),
    };

    static Stream<Arguments> backendsAndVectors() {
        return Stream.of(AeadBackend.values()).flatMap(b -> Stream.of(VECTORS).map(v -> Arguments.of(b, v)));
    }

    static ChaCha20Poly1305Aead keyed(AeadBackend backend, String keyHex) {
        ChaCha20Poly1305Aead aead = Aeads.create(backend);
        aead.setKey(Hex.decode(keyHex));
        return aead;
    }

    static byte[] seal(ChaCha20Poly1305Aead aead, byte[] nonce, byte[] aad, byte[] plain) {
        ByteBuffer out = ByteBuffer.allocate(plain.length + 16);
        aead.seal(nonce, aad, ChaCha20Poly1305Aead.NO_FIRST_BYTE, ByteBuffer.wrap(plain), out);
        assertEquals(out.capacity(), out.position());
        return out.array();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndVectors")
    void sealsAndOpensTheVector(AeadBackend backend, Vector v) throws Exception {
        ChaCha20Poly1305Aead aead = keyed(backend, v.key());
        byte[] plain = Hex.decode(v.plain());
        assertEquals(v.sealed(), Hex.encode(seal(aead, v.nonce(), Hex.decode(v.aad()), plain)));

        byte[] sealed = Hex.decode(v.sealed());
        byte[] out = new byte[plain.length + 3];
        assertEquals(plain.length, aead.open(v.nonce(), Hex.decode(v.aad()), sealed, 0, sealed.length, out, 3));
        assertEquals(v.plain(), Hex.encode(Arrays.copyOfRange(out, 3, out.length)));

        // in place, at an offset
        byte[] buf = new byte[sealed.length + 7];
        System.arraycopy(sealed, 0, buf, 7, sealed.length);
        aead.open(v.nonce(), Hex.decode(v.aad()), buf, 7, sealed.length, buf, 7);
        assertEquals(v.plain(), Hex.encode(Arrays.copyOfRange(buf, 7, 7 + plain.length)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndVectors")
    void aLeadingByteIsPartOfThePlaintext(AeadBackend backend, Vector v) {
        byte[] plain = Hex.decode(v.plain());
        if (plain.length == 0) {
            return;
        }
        ChaCha20Poly1305Aead aead = keyed(backend, v.key());
        ByteBuffer out = ByteBuffer.allocate(plain.length + 16);
        aead.seal(v.nonce(), Hex.decode(v.aad()), plain[0] & 0xff, ByteBuffer.wrap(plain, 1, plain.length - 1), out);
        assertEquals(v.sealed(), Hex.encode(out.array()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndVectors")
    void directBuffersGiveTheSameBytes(AeadBackend backend, Vector v) {
        byte[] plain = Hex.decode(v.plain());
        ChaCha20Poly1305Aead aead = keyed(backend, v.key());
        ByteBuffer in = ByteBuffer.allocateDirect(plain.length).put(plain).flip();
        ByteBuffer out = ByteBuffer.allocateDirect(plain.length + 16 + 5);
        out.position(5);
        aead.seal(v.nonce(), Hex.decode(v.aad()), ChaCha20Poly1305Aead.NO_FIRST_BYTE, in, out);
        assertEquals(0, in.remaining());
        byte[] got = new byte[plain.length + 16];
        out.flip().position(5);
        out.get(got);
        assertEquals(v.sealed(), Hex.encode(got));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndVectors")
    void everyTamperedByteFailsAndLeavesNoPlaintext(AeadBackend backend, Vector v) {
        ChaCha20Poly1305Aead aead = keyed(backend, v.key());
        byte[] sealed = Hex.decode(v.sealed());
        byte[] aad = Hex.decode(v.aad());
        for (int i = 0; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            byte[] out = new byte[sealed.length - 16];
            Arrays.fill(out, (byte) 0x55);
            assertThrows(AuthenticationException.class, () -> aead.open(v.nonce(), aad, bad, 0, bad.length, out, 0));
            for (byte b : out) {
                assertTrue(b == 0x55 || b == 0, "plaintext left behind after a failed open");
            }
        }
        byte[] wrongNonce = v.nonce().clone();
        wrongNonce[11] ^= 1;
        assertThrows(AuthenticationException.class,
                () -> aead.open(wrongNonce, aad, sealed, 0, sealed.length, new byte[sealed.length], 0));
        byte[] otherAad = Arrays.copyOf(aad, aad.length + 1);
        assertThrows(AuthenticationException.class,
                () -> aead.open(v.nonce(), otherAad, sealed, 0, sealed.length, new byte[sealed.length], 0));
        assertThrows(AuthenticationException.class, () -> aead.open(v.nonce(), aad, sealed, 0, 15, new byte[16], 0));
    }

    @Test
    void theBackendsAgreeOnRandomInputsOfEveryShape() throws Exception {
        Random random = new Random(324);
        ChaCha20Poly1305Aead bc = Aeads.create(AeadBackend.BOUNCY_CASTLE);
        ChaCha20Poly1305Aead jdk = Aeads.create(AeadBackend.JDK);
        int[] sizes = new int[260];
        for (int i = 0; i < 200; i++) {
            sizes[i] = i;
        }
        for (int i = 200; i < sizes.length; i++) {
            sizes[i] = random.nextInt(300_000);
        }
        for (int size : sizes) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 12);
            byte[] aad = bytes(random, random.nextInt(3) == 0 ? 0 : random.nextInt(100));
            byte[] plain = bytes(random, size);
            bc.setKey(key);
            jdk.setKey(key);
            byte[] a = seal(bc, nonce, aad, plain);
            byte[] b = seal(jdk, nonce, aad, plain);
            assertArrayEquals(a, b, "size " + size);
            byte[] back = new byte[size];
            jdk.open(nonce, aad, a, 0, a.length, back, 0);
            assertArrayEquals(plain, back);
            Arrays.fill(back, (byte) 0);
            bc.open(nonce, aad, b, 0, b.length, back, 0);
            assertArrayEquals(plain, back);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void refusesToWorkWithoutOrAfterItsKey(AeadBackend backend) {
        ChaCha20Poly1305Aead aead = Aeads.create(backend);
        assertEquals(backend, aead.backend());
        assertThrows(IllegalStateException.class, () -> seal(aead, new byte[12], new byte[0], new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> aead.setKey(new byte[16]));
        aead.setKey(new byte[32]);
        seal(aead, new byte[12], new byte[0], new byte[1]);
        aead.destroy();
        assertThrows(IllegalStateException.class, () -> seal(aead, new byte[12], new byte[0], new byte[1]));
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

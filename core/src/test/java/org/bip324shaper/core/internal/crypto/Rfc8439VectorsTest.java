package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Hex;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The project's ChaCha20, Poly1305 and small-message AEAD against every RFC 8439 test vector that applies to them:
 * sections 2.3.2, 2.4.2, 2.5.2, 2.6.2 and 2.8.2, and Appendix A.1 to A.5 (the quarter-round vectors of 2.1.1 and
 * 2.2.1 test a function the block function inlines). The vectors are extracted from the RFC text by
 * {@code src/test/resources/rfc8439/extract.py}. Then the AEAD against BouncyCastle's on random inputs of every size
 * up to past the small-message limit, with both keystream sources.
 */
class Rfc8439VectorsTest {
    private static final List<Vector> VECTORS = load();

    record Vector(String section, int number, Map<String, byte[]> fields, int counter) {
        byte[] get(String field) {
            byte[] v = fields.get(field);
            if (v == null) {
                throw new AssertionError(this + " has no " + field);
            }
            return v;
        }

        @Override
        public String toString() {
            return section + " #" + number;
        }
    }

    static Stream<Vector> vectors(String... sections) {
        List<String> wanted = Arrays.asList(sections);
        return VECTORS.stream().filter(v -> wanted.contains(v.section));
    }

    static Stream<Vector> blockVectors() {
        return vectors("2.3.2", "A.1");
    }

    static Stream<Vector> encryptionVectors() {
        return vectors("2.4.2", "A.2");
    }

    static Stream<Vector> macVectors() {
        return vectors("2.5.2", "A.3");
    }

    static Stream<Vector> keyGenerationVectors() {
        return vectors("2.6.2", "A.4");
    }

    static Stream<Arguments> aeadVectors() {
        return vectors("2.8.2", "A.5").flatMap(v -> Stream.of(Arguments.of(v, true), Arguments.of(v, false)));
    }

    @Test
    void everyVectorOfTheRfcIsLoaded() {
        Map<String, Integer> counts = new HashMap<>();
        VECTORS.forEach(v -> counts.merge(v.section, 1, Integer::sum));
        assertEquals(Map.of("2.3.2", 1, "2.4.2", 1, "2.5.2", 1, "2.6.2", 1, "2.8.2", 1, "A.1", 5, "A.2", 3, "A.3", 11,
                "A.4", 3, "A.5", 1), counts);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockVectors")
    void blockFunction(Vector v) {
        ChaCha20 chacha = keyed(v.get("key"), v.get("nonce"));
        byte[] keystream = new byte[64];
        chacha.xor(v.counter(), new byte[64], 0, keystream, 0, 64);
        assertEquals(Hex.encode(v.get("keystream")), Hex.encode(keystream));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encryptionVectors")
    void encryption(Vector v) {
        byte[] plain = v.get("plaintext");
        byte[] out = new byte[plain.length];
        keyed(v.get("key"), v.get("nonce")).xor(v.counter(), plain, 0, out, 0, plain.length);
        assertEquals(Hex.encode(v.get("ciphertext")), Hex.encode(out));
        byte[] inPlace = v.get("ciphertext").clone();
        keyed(v.get("key"), v.get("nonce")).xor(v.counter(), inPlace, 0, inPlace, 0, inPlace.length);
        assertArrayEquals(plain, inPlace);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("macVectors")
    void poly1305(Vector v) {
        byte[] key = v.fields().containsKey("key") ? v.get("key") : concat(v.get("r"), v.get("s"));
        byte[] text = v.get("text");
        Poly1305 poly = new Poly1305();
        poly.init(key, 0);
        poly.updateUnpadded(text, 0, text.length);
        byte[] tag = new byte[16];
        poly.finish(tag, 0);
        assertEquals(Hex.encode(v.get("tag")), Hex.encode(tag));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyGenerationVectors")
    void poly1305KeyGeneration(Vector v) {
        byte[] expected = v.fields().containsKey("polykey") ? v.get("polykey") : v.get("keystream");
        int[] block = keyed(v.get("key"), v.get("nonce")).keystreamBlock(0);
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (block[i / 4] >>> (8 * (i % 4)));
        }
        assertEquals(Hex.encode(expected), Hex.encode(key));
    }

    @ParameterizedTest(name = "{0}, JDK ChaCha20 keystream: {1}")
    @MethodSource("aeadVectors")
    void aead(Vector v, boolean jdkKeystream) throws Exception {
        byte[] nonce = v.fields().containsKey("nonce") ? v.get("nonce") : concat(v.get("fixed"), v.get("iv"));
        byte[] sealed = concat(v.get("ciphertext"), v.get("tag"));
        Rfc8439ChaCha20Poly1305 aead = new Rfc8439ChaCha20Poly1305(jdkKeystream);
        aead.setKey(v.get("key"));
        if (v.fields().containsKey("plaintext")) {
            ByteBuffer out = ByteBuffer.allocate(sealed.length);
            aead.seal(nonce, v.get("aad"), ChaCha20Poly1305Aead.NO_FIRST_BYTE, ByteBuffer.wrap(v.get("plaintext")), out);
            assertEquals(Hex.encode(sealed), Hex.encode(out.array()));
        }
        byte[] plain = new byte[sealed.length - 16];
        assertEquals(plain.length, aead.open(nonce, v.get("aad"), sealed, 0, sealed.length, plain, 0));
        assertArrayEquals(v.get("plaintext"), plain);

        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] untouched = new byte[plain.length];
        assertThrows(AuthenticationException.class,
                () -> aead.open(nonce, v.get("aad"), tampered, 0, tampered.length, untouched, 0));
        assertArrayEquals(new byte[plain.length], untouched, "nothing written on a failed open");
    }

    /** Sizes around every block and buffer boundary, and AAD of several lengths, against BouncyCastle's AEAD. */
    @ParameterizedTest(name = "JDK ChaCha20 keystream: {0}")
    @ValueSource(booleans = {true, false})
    void matchesBouncyCastleOnRandomInputs(boolean jdkKeystream) throws Exception {
        Random random = new Random(8439);
        Rfc8439ChaCha20Poly1305 ours = new Rfc8439ChaCha20Poly1305(jdkKeystream);
        for (int len = 0; len <= Rfc8439ChaCha20Poly1305.MAX_MESSAGE; len += len < 300 ? 1 : 61) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 12);
            byte[] aad = bytes(random, random.nextInt(4) == 0 ? 0 : random.nextInt(70));
            byte[] plain = bytes(random, len);
            ChaCha20Poly1305 reference = new ChaCha20Poly1305();
            reference.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
            byte[] expected = new byte[len + 16];
            reference.doFinal(expected, reference.processBytes(plain, 0, len, expected, 0));

            ours.setKey(key);
            byte[] sealed = new byte[len + 16];
            boolean withFirst = len > 0 && random.nextBoolean();
            ours.seal(nonce, aad, withFirst ? plain[0] & 0xff : ChaCha20Poly1305Aead.NO_FIRST_BYTE,
                    ByteBuffer.wrap(plain, withFirst ? 1 : 0, withFirst ? len - 1 : len), ByteBuffer.wrap(sealed));
            assertArrayEquals(expected, sealed, "length " + len);
            if (len % 97 == 0) { // a direct output buffer takes the other copy path
                ByteBuffer direct = ByteBuffer.allocateDirect(len + 16);
                ours.seal(nonce, aad, ChaCha20Poly1305Aead.NO_FIRST_BYTE, ByteBuffer.wrap(plain), direct);
                byte[] fromDirect = new byte[len + 16];
                direct.flip().get(fromDirect);
                assertArrayEquals(expected, fromDirect, "direct, length " + len);
            }
            // in place, at an offset, as the packet decoder does
            byte[] buffer = new byte[len + 16 + 5];
            System.arraycopy(sealed, 0, buffer, 5, sealed.length);
            assertEquals(len, ours.open(nonce, aad, buffer, 5, sealed.length, buffer, 5));
            assertArrayEquals(plain, Arrays.copyOfRange(buffer, 5, 5 + len), "length " + len);
        }
    }

    @Test
    void refusesMessagesAboveItsLimit() {
        Rfc8439ChaCha20Poly1305 aead = new Rfc8439ChaCha20Poly1305(false);
        aead.setKey(new byte[32]);
        int tooLong = Rfc8439ChaCha20Poly1305.MAX_MESSAGE + 1;
        assertThrows(IllegalArgumentException.class, () -> aead.seal(new byte[12], new byte[0],
                ChaCha20Poly1305Aead.NO_FIRST_BYTE, ByteBuffer.allocate(tooLong), ByteBuffer.allocate(tooLong + 16)));
        assertTrue(Rfc8439ChaCha20Poly1305.jdkChaCha20Available());
    }

    private static ChaCha20 keyed(byte[] key, byte[] nonce) {
        ChaCha20 chacha = new ChaCha20();
        chacha.setKey(key, 0);
        chacha.setNonce(nonce);
        return chacha;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<Vector> load() {
        var in = Rfc8439VectorsTest.class.getResourceAsStream("/rfc8439/vectors.txt");
        if (in == null) {
            throw new IllegalStateException("rfc8439/vectors.txt missing from the test resources");
        }
        List<Vector> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ");
                Map<String, byte[]> fields = new HashMap<>();
                int counter = -1;
                for (int i = 2; i < parts.length; i++) {
                    String[] kv = parts[i].split("=", 2);
                    if (kv[0].equals("counter")) {
                        counter = Integer.parseInt(kv[1]);
                    } else {
                        fields.put(kv[0], Hex.decode(kv[1]));
                    }
                }
                out.add(new Vector(parts[0], Integer.parseInt(parts[1]), fields, counter));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

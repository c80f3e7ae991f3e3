package org.bip324shaper.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

import org.bip324shaper.core.Hex;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.Test;

/** Key generation, ECDH agreement, validation and destruction of the ElligatorSwift keys. */
class EllSwiftKeysTest {
    private final Random testData = new Random(0xec_d4L);
    private final SecureRandom seeded = new SeededSecureRandom(0x5ec7e7L);

    @Test
    void bothSidesDeriveTheSameSharedSecret() {
        for (int i = 0; i < 20; i++) {
            EllSwiftPrivateKey initiator = EllSwiftPrivateKey.generate(seeded);
            EllSwiftPrivateKey responder = EllSwiftPrivateKey.generate(seeded);
            assertArrayEquals(initiator.xOnlyEcdh(responder.publicKey()), responder.xOnlyEcdh(initiator.publicKey()));
            byte[] a = initiator.bip324SharedSecret(responder.publicKey(), true);
            byte[] b = responder.bip324SharedSecret(initiator.publicKey(), false);
            assertArrayEquals(a, b);
            assertEquals(32, a.length);
            // Roles matter: with both claiming the same role the encodings are hashed in different orders.
            assertNotEquals(Hex.encode(a), Hex.encode(responder.bip324SharedSecret(initiator.publicKey(), true)));
        }
    }

    @Test
    void worksWithTheSystemSecureRandom() {
        SecureRandom system = new SecureRandom();
        EllSwiftPrivateKey a = EllSwiftPrivateKey.generate(system);
        EllSwiftPrivateKey b = EllSwiftPrivateKey.generate(system);
        assertArrayEquals(a.bip324SharedSecret(b.publicKey(), false), b.bip324SharedSecret(a.publicKey(), true));
    }

    @Test
    void publicKeyEncodesSecretTimesG() {
        for (int i = 0; i < 20; i++) {
            byte[] secret = randomSecret();
            EllSwiftPrivateKey key = EllSwiftPrivateKey.fromSecret(secret, seeded);
            // bitcoinj computes secret*G independently of our code path.
            byte[] compressed = ECKey.fromPrivate(new BigInteger(1, secret), true).getPubKey();
            assertArrayEquals(Arrays.copyOfRange(compressed, 1, 33), key.publicKey().xCoordinate());
        }
    }

    @Test
    void sameSecretGetsFreshEncodingsThatAllVerify() {
        byte[] secret = randomSecret();
        EllSwiftPrivateKey first = EllSwiftPrivateKey.fromSecret(secret, seeded);
        EllSwiftPrivateKey second = EllSwiftPrivateKey.fromSecret(secret, seeded);
        assertNotEquals(first.publicKey(), second.publicKey());
        assertArrayEquals(first.publicKey().xCoordinate(), second.publicKey().xCoordinate());
        EllSwiftPrivateKey pinned = EllSwiftPrivateKey.fromSecretAndEncoding(secret, second.publicKey());
        assertEquals(second.publicKey(), pinned.publicKey());
    }

    @Test
    void encodingOfAnotherKeyIsRejected() {
        byte[] secret = randomSecret();
        EllSwiftPublicKey other = EllSwiftPrivateKey.generate(seeded).publicKey();
        assertThrows(IllegalArgumentException.class, () -> EllSwiftPrivateKey.fromSecretAndEncoding(secret, other));
    }

    @Test
    void negatedSecretSharesTheXCoordinate() {
        // x(k*G) == x((n-k)*G): X-only keys cannot tell k from n-k, and fromSecretAndEncoding must accept both.
        byte[] secret = randomSecret();
        BigInteger n = new BigInteger(1, SecpTestValues.N_BYTES);
        byte[] negated = Secp256k1FieldTest.bytes32(n.subtract(new BigInteger(1, secret)));
        EllSwiftPublicKey pub = EllSwiftPrivateKey.fromSecret(secret, seeded).publicKey();
        EllSwiftPrivateKey other = EllSwiftPrivateKey.fromSecretAndEncoding(negated, pub);
        EllSwiftPrivateKey peer = EllSwiftPrivateKey.generate(seeded);
        assertArrayEquals(peer.xOnlyEcdh(pub), other.xOnlyEcdh(peer.publicKey()));
    }

    @Test
    void invalidSecretsAreRejected() {
        BigInteger n = new BigInteger(1, SecpTestValues.N_BYTES);
        byte[][] invalid = {
            new byte[32],
            SecpTestValues.N_BYTES,
            Secp256k1FieldTest.bytes32(n.add(BigInteger.ONE)),
            Secp256k1FieldTest.bytes32(BigInteger.TWO.pow(256).subtract(BigInteger.ONE))};
        for (byte[] secret : invalid) {
            assertThrows(IllegalArgumentException.class, () -> EllSwiftPrivateKey.fromSecret(secret, seeded), Hex.encode(secret));
            EllSwiftPublicKey any = EllSwiftPublicKey.fromBytes(new byte[64]);
            assertThrows(IllegalArgumentException.class, () -> EllSwiftPrivateKey.fromSecretAndEncoding(secret, any));
        }
        assertThrows(IllegalArgumentException.class, () -> EllSwiftPrivateKey.fromSecret(new byte[31], seeded));
        assertThrows(IllegalArgumentException.class, () -> EllSwiftPrivateKey.fromSecret(new byte[33], seeded));
        // The extremes of the valid range are accepted.
        EllSwiftPrivateKey.fromSecret(Secp256k1FieldTest.bytes32(BigInteger.ONE), seeded);
        EllSwiftPrivateKey.fromSecret(Secp256k1FieldTest.bytes32(n.subtract(BigInteger.ONE)), seeded);
    }

    @Test
    void secretIsCopiedIn() {
        byte[] secret = randomSecret();
        EllSwiftPrivateKey key = EllSwiftPrivateKey.fromSecret(secret, seeded);
        EllSwiftPrivateKey peer = EllSwiftPrivateKey.generate(seeded);
        byte[] before = key.xOnlyEcdh(peer.publicKey());
        Arrays.fill(secret, (byte) 1);
        assertArrayEquals(before, key.xOnlyEcdh(peer.publicKey()));
    }

    @Test
    void destroyWipesTheSecretAndBlocksUse() throws Exception {
        EllSwiftPrivateKey key = EllSwiftPrivateKey.generate(seeded);
        EllSwiftPublicKey peer = EllSwiftPrivateKey.generate(seeded).publicKey();
        byte[] held = heldSecret(key);
        assertFalse(isAllZero(held));
        assertFalse(key.isDestroyed());

        key.destroy();

        assertTrue(key.isDestroyed());
        assertTrue(isAllZero(held), "secret bytes are zeroed");
        assertThrows(IllegalStateException.class, () -> key.xOnlyEcdh(peer));
        assertThrows(IllegalStateException.class, () -> key.bip324SharedSecret(peer, true));
        assertThrows(IllegalStateException.class, key::publicKey);
        key.destroy(); // idempotent
        assertEquals("EllSwiftPrivateKey[destroyed]", key.toString());
    }

    @Test
    void toStringNeverShowsTheSecret() throws Exception {
        EllSwiftPrivateKey key = EllSwiftPrivateKey.generate(seeded);
        String s = key.toString();
        byte[] secret = heldSecret(key);
        for (int i = 0; i + 4 <= secret.length; i++) {
            assertFalse(s.contains(Hex.encode(Arrays.copyOfRange(secret, i, i + 4))), s);
        }
    }

    @Test
    void publicKeyIsAnImmutableValue() {
        byte[] bytes = new byte[64];
        testData.nextBytes(bytes);
        EllSwiftPublicKey key = EllSwiftPublicKey.fromBytes(bytes);
        byte[] x = key.xCoordinate();
        bytes[0] ^= 1; // the input was copied
        assertNotEquals(Hex.encode(bytes), Hex.encode(key.toBytes()));
        key.toBytes()[1] ^= 1; // so is the output
        key.xCoordinate()[0] ^= 1;
        bytes[0] ^= 1;
        assertArrayEquals(bytes, key.toBytes());
        assertArrayEquals(x, key.xCoordinate());
        assertArrayEquals(ElligatorSwift.decode(bytes), key.xCoordinate());

        EllSwiftPublicKey same = EllSwiftPublicKey.fromBytes(bytes.clone());
        assertEquals(key, same);
        assertEquals(key.hashCode(), same.hashCode());
        bytes[63] ^= 1;
        assertNotEquals(key, EllSwiftPublicKey.fromBytes(bytes));

        String s = key.toString();
        assertTrue(s.contains(Hex.encode(Arrays.copyOf(key.toBytes(), 4))), s);
        assertFalse(s.contains(Hex.encode(Arrays.copyOfRange(key.toBytes(), 4, 8))), "only a short prefix: " + s);
    }

    @Test
    void publicKeyRejectsWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> EllSwiftPublicKey.fromBytes(new byte[63]));
        assertThrows(IllegalArgumentException.class, () -> EllSwiftPublicKey.fromBytes(new byte[65]));
        assertThrows(NullPointerException.class, () -> EllSwiftPublicKey.fromBytes(null));
    }

    private byte[] randomSecret() {
        BigInteger n = new BigInteger(1, SecpTestValues.N_BYTES);
        BigInteger k;
        do {
            k = new BigInteger(256, testData);
        } while (k.signum() == 0 || k.compareTo(n) >= 0);
        return Secp256k1FieldTest.bytes32(k);
    }

    private static byte[] heldSecret(EllSwiftPrivateKey key) throws ReflectiveOperationException {
        Field f = EllSwiftPrivateKey.class.getDeclaredField("secret");
        f.setAccessible(true);
        return (byte[]) f.get(key);
    }

    private static boolean isAllZero(byte[] b) {
        for (byte v : b) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}

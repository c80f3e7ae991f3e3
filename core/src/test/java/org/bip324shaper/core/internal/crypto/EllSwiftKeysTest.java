package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.crypto.ElligatorSwift;
import org.bitcoinj.crypto.ECKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/** Key generation, ECDH agreement, validation and destruction of the ElligatorSwift keys. */
class EllSwiftKeysTest {
    private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");
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

    /** Scalars at the edges: tiny, near n, around the GLV eigenvalue, and with all-ones windows (recoding carries). */
    private static List<BigInteger> edgeScalars() {
        BigInteger n = new BigInteger(1, SecpTestValues.N_BYTES);
        BigInteger lambda = new BigInteger("5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72", 16);
        List<BigInteger> ks = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            ks.add(BigInteger.valueOf(i));
            ks.add(n.subtract(BigInteger.valueOf(i)));
        }
        for (int i = -3; i <= 3; i++) {
            ks.add(lambda.add(BigInteger.valueOf(i)));
            ks.add(lambda.multiply(lambda).add(BigInteger.valueOf(i)).mod(n));
        }
        ks.add(BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE)); // 255 ones
        ks.add(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        ks.add(BigInteger.ONE.shiftLeft(128));
        ks.add(BigInteger.valueOf(63));
        ks.add(BigInteger.valueOf(64));
        ks.add(BigInteger.valueOf(127));
        ks.add(new BigInteger("40".repeat(32), 16)); // every 7-bit window pattern shifts through 0x40 = HALF
        return ks;
    }

    @Test
    void publicKeyMatchesReferenceMultiplicationForEdgeAndRandomScalars() {
        List<BigInteger> ks = edgeScalars();
        for (int i = 0; i < 30; i++) {
            ks.add(new BigInteger(1, randomSecret()));
        }
        for (BigInteger k : ks) {
            ECPoint expected = ECAlgorithms.referenceMultiply(SECP256K1.getG(), k).normalize();
            EllSwiftPrivateKey key = EllSwiftPrivateKey.fromSecret(Secp256k1FieldTest.bytes32(k), seeded);
            assertEquals(Hex.encode(expected.getAffineXCoord().getEncoded()), Hex.encode(key.publicKey().xCoordinate()),
                k.toString(16));
        }
    }

    @Test
    void ecdhMatchesReferenceMultiplicationForEdgeAndRandomScalars() {
        List<BigInteger> ks = edgeScalars();
        for (int i = 0; i < 30; i++) {
            ks.add(new BigInteger(1, randomSecret()));
        }
        for (BigInteger k : ks) {
            EllSwiftPublicKey theirs = EllSwiftPrivateKey.generate(seeded).publicKey();
            byte[] compressed = new byte[33];
            compressed[0] = 2;
            System.arraycopy(theirs.xCoordinate(), 0, compressed, 1, 32);
            ECPoint expected = ECAlgorithms.referenceMultiply(SECP256K1.getCurve().decodePoint(compressed), k).normalize();
            EllSwiftPrivateKey ours = EllSwiftPrivateKey.fromSecret(Secp256k1FieldTest.bytes32(k), seeded);
            assertEquals(Hex.encode(expected.getAffineXCoord().getEncoded()), Hex.encode(ours.xOnlyEcdh(theirs)),
                k.toString(16));
        }
    }

    @Test
    void ecdhWithOurOwnPublicKeyGivesXOfSecretSquaredTimesG() {
        // P = kG, so k*P = k^2 G: exercises the multiplier on a point related to its own scalar.
        for (BigInteger k : edgeScalars()) {
            BigInteger n = new BigInteger(1, SecpTestValues.N_BYTES);
            EllSwiftPrivateKey key = EllSwiftPrivateKey.fromSecret(Secp256k1FieldTest.bytes32(k), seeded);
            ECPoint expected = ECAlgorithms.referenceMultiply(SECP256K1.getG(), k.multiply(k).mod(n)).normalize();
            assertEquals(Hex.encode(expected.getAffineXCoord().getEncoded()), Hex.encode(key.xOnlyEcdh(key.publicKey())),
                k.toString(16));
        }
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

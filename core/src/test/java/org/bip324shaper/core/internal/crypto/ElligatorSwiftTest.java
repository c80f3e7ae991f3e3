package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.bip324shaper.core.Hex;
import org.junit.jupiter.api.Test;

/** Properties of the ElligatorSwift maps beyond the fixed vectors, on seeded random data. */
class ElligatorSwiftTest {
    private static final BigInteger P = BigInteger.TWO.pow(256).subtract(BigInteger.TWO.pow(32)).subtract(BigInteger.valueOf(977));
    private static final BigInteger C = new BigInteger("a2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852", 16);
    private static final BigInteger SEVEN = BigInteger.valueOf(7);

    private final Random random = new Random(0xe11_5_1f7L);

    @Test
    void decodeAgreesWithLiteralBipFormula() {
        for (int i = 0; i < 300; i++) {
            byte[] encoding = randomBytes(64);
            if (i % 10 == 0) {
                Arrays.fill(encoding, i % 20 == 0 ? 0 : 32, i % 20 == 0 ? 32 : 64, (byte) 0); // u = 0 or t = 0
            }
            BigInteger u = new BigInteger(1, Arrays.copyOfRange(encoding, 0, 32));
            BigInteger t = new BigInteger(1, Arrays.copyOfRange(encoding, 32, 64));
            assertEquals(literalXSwiftEC(u, t), new BigInteger(1, ElligatorSwift.decode(encoding)), Hex.encode(encoding));
        }
    }

    @Test
    void encodeDecodesBackToX() {
        SecureRandom encoderRandom = new SeededSecureRandom(random.nextLong());
        Set<String> encodings = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            byte[] x = ElligatorSwift.decode(randomBytes(64)); // any decode output is a valid x
            byte[] encoding = ElligatorSwift.encode(x, encoderRandom);
            assertEquals(64, encoding.length);
            assertArrayEquals(x, ElligatorSwift.decode(encoding));
            encodings.add(Hex.encode(encoding));
        }
        assertEquals(200, encodings.size());
    }

    @Test
    void encodingsOfOneXDiffer() {
        byte[] x = ElligatorSwift.decode(randomBytes(64));
        SecureRandom encoderRandom = new SeededSecureRandom(random.nextLong());
        byte[] first = ElligatorSwift.encode(x, encoderRandom);
        byte[] second = ElligatorSwift.encode(x, encoderRandom);
        assertNotEquals(Hex.encode(first), Hex.encode(second));
        assertArrayEquals(ElligatorSwift.decode(first), ElligatorSwift.decode(second));
    }

    @Test
    void everyInverseMapsBackAndCasesGiveDistinctT() {
        int found = 0;
        for (int i = 0; i < 100; i++) {
            byte[] x = ElligatorSwift.decode(randomBytes(64));
            byte[] u = randomBytes(32);
            Set<String> ts = new HashSet<>();
            for (int c = 0; c < 8; c++) {
                Optional<byte[]> t = ElligatorSwift.inverse(x, u, c);
                if (t.isPresent()) {
                    found++;
                    assertTrue(ts.add(Hex.encode(t.get())), "case " + c + " repeats a t");
                    byte[] encoding = new byte[64];
                    System.arraycopy(u, 0, encoding, 0, 32);
                    System.arraycopy(t.get(), 0, encoding, 32, 32);
                    assertArrayEquals(x, ElligatorSwift.decode(encoding));
                }
            }
        }
        assertTrue(found > 100, "inverses exist for about a quarter of (x, u, case): " + found);
    }

    @Test
    void wrongLengthsAreRejected() {
        SecureRandom r = new SeededSecureRandom(1);
        byte[] x = ElligatorSwift.decode(new byte[64]);
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.decode(new byte[63]));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.decode(new byte[65]));
        assertThrows(NullPointerException.class, () -> ElligatorSwift.decode(null));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(new byte[31], new byte[32], 0));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(x, new byte[33], 0));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.encode(new byte[33], r));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.decode(new byte[10]));
        assertTrue(e.getMessage().contains("64") && e.getMessage().contains("10"), e.getMessage());
    }

    @Test
    void inverseRejectsBadCaseZeroUAndOffCurveX() {
        byte[] x = ElligatorSwift.decode(randomBytes(64));
        byte[] u = randomBytes(32);
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(x, u, -1));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(x, u, 8));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(x, new byte[32], 0));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(x, SecpTestValues.P_BYTES, 0), "u = p is 0 mod p");
        byte[] offCurve = offCurveX();
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.inverse(offCurve, u, 0));
        assertThrows(IllegalArgumentException.class, () -> ElligatorSwift.encode(offCurve, new SeededSecureRandom(2)));
    }

    @Test
    void brokenRandomnessFailsInsteadOfLoopingForever() {
        // All-ones bytes make every u >= p, which must be redrawn, never reduced.
        SecureRandom stuck = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 0xFF);
            }
        };
        byte[] x = ElligatorSwift.decode(new byte[64]);
        assertThrows(IllegalStateException.class, () -> ElligatorSwift.encode(x, stuck));
    }

    /** XSwiftEC exactly as the BIP writes it, with BigInteger and explicit inverses. */
    private static BigInteger literalXSwiftEC(BigInteger u, BigInteger t) {
        u = u.mod(P);
        t = t.mod(P);
        if (u.signum() == 0) {
            u = BigInteger.ONE;
        }
        if (t.signum() == 0) {
            t = BigInteger.ONE;
        }
        if (u.pow(3).add(t.pow(2)).add(SEVEN).mod(P).signum() == 0) {
            t = t.shiftLeft(1).mod(P);
        }
        BigInteger bigX = u.pow(3).add(SEVEN).subtract(t.pow(2)).multiply(t.shiftLeft(1).modInverse(P)).mod(P);
        BigInteger bigY = bigX.add(t).multiply(C.multiply(u).modInverse(P)).mod(P);
        BigInteger half = BigInteger.TWO.modInverse(P);
        BigInteger xOverY = bigX.multiply(bigY.modInverse(P));
        BigInteger[] candidates = {
            u.add(bigY.pow(2).shiftLeft(2)).mod(P),
            xOverY.negate().subtract(u).multiply(half).mod(P),
            xOverY.subtract(u).multiply(half).mod(P)};
        for (BigInteger x : candidates) {
            if (isValidX(x)) {
                return x;
            }
        }
        throw new AssertionError("no candidate on the curve");
    }

    private static boolean isValidX(BigInteger x) {
        BigInteger rhs = x.pow(3).add(SEVEN).mod(P);
        return rhs.modPow(P.subtract(BigInteger.ONE).shiftRight(1), P).compareTo(BigInteger.ONE) <= 0;
    }

    private byte[] offCurveX() {
        while (true) {
            byte[] x = randomBytes(32);
            if (new BigInteger(1, x).compareTo(P) < 0 && !isValidX(new BigInteger(1, x))) {
                return x;
            }
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

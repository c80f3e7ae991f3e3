package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.bip324shaper.core.internal.crypto.Secp256k1Field.Element;
import org.junit.jupiter.api.Test;

/** Field arithmetic checked against plain BigInteger arithmetic mod p on seeded random values and edge values. */
class Secp256k1FieldTest {
    private static final BigInteger P = BigInteger.TWO.pow(256).subtract(BigInteger.TWO.pow(32)).subtract(BigInteger.valueOf(977));
    private static final BigInteger SQRT_EXPONENT = P.add(BigInteger.ONE).shiftRight(2);
    private static final BigInteger EULER_EXPONENT = P.subtract(BigInteger.ONE).shiftRight(1);
    private static final int SAMPLES = 300;

    private final Random random = new Random(0x5eed_f1e1dL);

    @Test
    void readingReducesModP() {
        for (BigInteger raw : new BigInteger[] {
            BigInteger.ZERO, BigInteger.ONE, P.subtract(BigInteger.ONE), P, P.add(BigInteger.ONE),
            BigInteger.TWO.pow(256).subtract(BigInteger.ONE)}) {
            Element e = Element.fromBytes(bytes32(raw), 0);
            assertEquals(raw.mod(P), value(e), raw.toString(16));
        }
        assertTrue(Element.fromBytes(bytes32(P), 0).isZero());
    }

    @Test
    void readsAtOffsetAndRejectsShortInput() {
        byte[] buf = new byte[40];
        buf[39] = 5;
        assertEquals(BigInteger.valueOf(5), value(Element.fromBytes(buf, 8)));
        assertThrows(IllegalArgumentException.class, () -> Element.fromBytes(buf, 9));
        assertThrows(IllegalArgumentException.class, () -> Element.fromBytes(new byte[31], 0));
    }

    @Test
    void bytesRoundTrip() {
        for (int i = 0; i < SAMPLES; i++) {
            BigInteger a = randomBelowP();
            assertArrayEquals(bytes32(a), Element.fromBytes(bytes32(a), 0).toBytes());
        }
    }

    @Test
    void ringOperationsMatchBigInteger() {
        for (int i = 0; i < SAMPLES; i++) {
            BigInteger a = randomBelowP();
            BigInteger b = randomBelowP();
            Element ea = element(a);
            Element eb = element(b);
            assertEquals(a.add(b).mod(P), value(ea.add(eb)));
            assertEquals(a.subtract(b).mod(P), value(ea.subtract(eb)));
            assertEquals(a.multiply(b).mod(P), value(ea.multiply(eb)));
            assertEquals(a.multiply(a).mod(P), value(ea.square()));
            assertEquals(a.negate().mod(P), value(ea.negate()));
            assertEquals(a.multiply(BigInteger.TWO.modInverse(P)).mod(P), value(ea.half()));
        }
    }

    @Test
    void invertMatchesBigIntegerAndRejectsZero() {
        for (int i = 0; i < SAMPLES; i++) {
            BigInteger a = randomBelowP();
            if (a.signum() == 0) {
                continue;
            }
            assertEquals(a.modInverse(P), value(element(a).invert()));
        }
        assertEquals(BigInteger.ONE, value(Element.ONE.invert()));
        assertThrows(ArithmeticException.class, () -> Element.ZERO.invert());
    }

    @Test
    void sqrtIsTheBipRootOrEmpty() {
        int squares = 0;
        for (int i = 0; i < SAMPLES; i++) {
            BigInteger a = randomBelowP();
            boolean isSquare = a.modPow(EULER_EXPONENT, P).equals(BigInteger.ONE);
            Optional<Element> root = element(a).sqrt();
            assertEquals(isSquare, element(a).isSquare());
            assertEquals(isSquare, root.isPresent());
            if (isSquare) {
                squares++;
                assertEquals(a.modPow(SQRT_EXPONENT, P), value(root.get()));
                assertEquals(a, value(root.get().square()));
            }
        }
        assertTrue(squares > SAMPLES / 4 && squares < 3 * SAMPLES / 4, "about half are squares: " + squares);
        assertEquals(Optional.of(Element.ZERO), Element.ZERO.sqrt());
        assertTrue(Element.ZERO.isSquare());
        assertFalse(element(P.subtract(BigInteger.ONE)).isSquare(), "-1 is not a square since p = 3 mod 4");
    }

    @Test
    void jacobiSymbolMatchesEulerCriterion() {
        List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            values.add(BigInteger.valueOf(i));
            values.add(P.subtract(BigInteger.valueOf(i + 1)));
        }
        for (int k = 1; k < 256; k += 7) { // long runs of zero bits, including whole zero 64-bit limbs
            values.add(BigInteger.ONE.shiftLeft(k));
            values.add(BigInteger.valueOf(3).shiftLeft(k).mod(P));
        }
        for (int i = 0; i < SAMPLES; i++) {
            values.add(randomBelowP());
        }
        for (BigInteger a : values) {
            BigInteger euler = a.modPow(EULER_EXPONENT, P);
            int expected = euler.signum() == 0 ? 0 : euler.equals(BigInteger.ONE) ? 1 : -1;
            int[] limbs = new int[8];
            byte[] be = bytes32(a);
            for (int i = 0; i < 8; i++) {
                limbs[i] = new BigInteger(1, Arrays.copyOfRange(be, 28 - 4 * i, 32 - 4 * i)).intValue();
            }
            assertEquals(expected, Secp256k1Field.jacobiModP(limbs), a.toString(16));
        }
    }

    @Test
    void validXMatchesCurveEquation() {
        for (int i = 0; i < SAMPLES; i++) {
            BigInteger x = randomBelowP();
            BigInteger rhs = x.pow(3).add(BigInteger.valueOf(7)).mod(P);
            boolean expected = rhs.signum() == 0 || rhs.modPow(EULER_EXPONENT, P).equals(BigInteger.ONE);
            assertEquals(expected, element(x).isValidX());
            BigInteger den = randomBelowP().max(BigInteger.ONE);
            BigInteger num = x.multiply(den).mod(P);
            assertEquals(expected, Element.isValidXFraction(element(num), element(den)));
        }
    }

    private BigInteger randomBelowP() {
        BigInteger v;
        do {
            v = new BigInteger(256, random);
        } while (v.compareTo(P) >= 0);
        return v;
    }

    private static Element element(BigInteger v) {
        return Element.fromBytes(bytes32(v), 0);
    }

    private static BigInteger value(Element e) {
        return new BigInteger(1, e.toBytes());
    }

    static byte[] bytes32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - len, out, 32 - len, len);
        return out;
    }
}

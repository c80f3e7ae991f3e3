package org.bip324shaper.core.internal.crypto;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The NAF recoding under the ECDH (the multiplication itself is checked against BouncyCastle in EllSwiftKeysTest). */
class XOnlyEcdhTest {
    @Test
    void windowNafRecomposesToTheScalarAndHasNafShape() {
        Random random = new Random(5);
        BigInteger[] edges = {
            BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(15), BigInteger.valueOf(16), BigInteger.valueOf(31),
            BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(64),
            BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(129).subtract(BigInteger.ONE),
            new BigInteger("ffffffffffffffff1fffffffffffffff", 16),
        };
        for (int i = 0; i < edges.length + 2000; i++) {
            BigInteger k = i < edges.length ? edges[i] : new BigInteger(1 + random.nextInt(130), random);
            byte[] naf = XOnlyEcdh.windowNaf(k);
            BigInteger sum = BigInteger.ZERO;
            int lastNonzero = -5;
            for (int j = naf.length - 1; j >= 0; j--) {
                sum = sum.shiftLeft(1).add(BigInteger.valueOf(naf[j]));
            }
            for (int j = 0; j < naf.length; j++) {
                int d = naf[j];
                if (d != 0) {
                    assertTrue((d & 1) != 0 && Math.abs(d) <= 15, "digit " + d);
                    assertTrue(j - lastNonzero >= 5, "nonzero digits too close in " + k);
                    lastNonzero = j;
                }
            }
            assertEquals(k, sum);
        }
    }
}

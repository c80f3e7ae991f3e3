package org.bip324shaper.core.internal.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import org.bip324shaper.core.internal.crypto.Secp256k1Field.Element;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;
import org.bouncycastle.math.ec.endo.EndoUtil;
import org.bouncycastle.math.ec.endo.ScalarSplitParameters;
import org.bouncycastle.math.raw.Nat256;

/**
 * X-only scalar multiplication for {@code ellswift_ecdh_xonly}, without a square root: instead of lifting x to a
 * point (x, y) on y^2 = x^3 + 7, which costs an exponentiation, use the point (x g, g^2) with g = x^3 + 7. It lies on
 * y^2 = x^3 + 7 g^3, which is isomorphic to secp256k1 by (x, y) -> (g x, g sqrt(g) y), so x(k P) = x(k P') / g.
 * {@link JacobianPoint}'s formulas never use b, so they compute on that curve unchanged.
 *
 * <p>The scalar is split by the GLV endomorphism (x, y) -> (beta x, y), k = k1 + k2 lambda mod n with k1, k2 about 128
 * bits (BouncyCastle's {@link EndoUtil} with the secp256k1 parameters of its {@code CustomNamedCurves}), and both
 * halves run through one doubling chain in width-5 NAF over 8 affine odd multiples each. Everything is on eight
 * 32-bit limbs; nothing of BouncyCastle's generic EC layer is loaded, which keeps the first handshake of a fresh JVM
 * cheap.
 *
 * <p>Not constant-time; BIP-324 keys are ephemeral: each secret is multiplied once by G and once by the peer's
 * point, which leaves a timing observer a single trace per secret. Do not reuse this for long-lived keys.
 */
final class XOnlyEcdh {
    private static final int WIDTH = 5;
    private static final int ODD_MULTIPLES = 1 << (WIDTH - 2);
    private static final int[] SEVEN = {7, 0, 0, 0, 0, 0, 0, 0};
    /** beta, a cube root of unity mod p: (x, y) -> (beta x, y) is multiplication by lambda. */
    private static final int[] BETA = limbs("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee");
    private static final ScalarSplitParameters SPLIT = new ScalarSplitParameters(
            new BigInteger[] {
                new BigInteger("3086d221a7d46bcde86c90e49284eb15", 16),
                new BigInteger("-e4437ed6010e88286f547fa90abfe4c3", 16)},
            new BigInteger[] {
                new BigInteger("114ca50f7a8e2f3f657c1108d9d44cfd8", 16),
                new BigInteger("3086d221a7d46bcde86c90e49284eb15", 16)},
            new BigInteger("3086d221a7d46bcde86c90e49284eb153dab", 16),
            new BigInteger("e4437ed6010e88286f547fa90abfe4c42212", 16),
            272);

    private XOnlyEcdh() {
    }

    /** The X coordinate of secret * P for either point P with X coordinate x; secret in 1..n-1, big-endian. */
    static Element multiply(Element x, byte[] secret) {
        int[] ext = Nat256.createExt();
        int[] px = Nat256.create();
        int[] g = Nat256.create();
        x.copyLimbs(px);
        SecP256K1Field.square(px, g, ext);
        SecP256K1Field.multiply(g, px, g, ext);
        SecP256K1Field.add(g, SEVEN, g); // g = x^3 + 7, nonzero: x^3 = -7 has no solution that is a valid X
        int[] py = Nat256.create();
        SecP256K1Field.multiply(px, g, px, ext); // P' = (x g, g^2)
        SecP256K1Field.square(g, py, ext);

        BigInteger[] halves = EndoUtil.decomposeScalar(SPLIT, new BigInteger(1, secret));
        byte[] naf1 = windowNaf(halves[0].abs());
        byte[] naf2 = windowNaf(halves[1].abs());
        boolean negate1 = halves[0].signum() < 0;
        boolean negate2 = halves[1].signum() < 0;

        int[][] oddX = new int[ODD_MULTIPLES][8];
        int[][] oddY = new int[ODD_MULTIPLES][8];
        oddMultiples(px, py, oddX, oddY);
        int[][] oddNegY = new int[ODD_MULTIPLES][8];
        int[][] phiX = new int[ODD_MULTIPLES][8];
        for (int i = 0; i < ODD_MULTIPLES; i++) {
            SecP256K1Field.negate(oddY[i], oddNegY[i]);
            SecP256K1Field.multiply(oddX[i], BETA, phiX[i], ext);
        }

        JacobianPoint acc = new JacobianPoint();
        try {
            for (int i = Math.max(naf1.length, naf2.length) - 1; i >= 0; i--) {
                acc.twice();
                addDigit(acc, i < naf1.length ? naf1[i] : 0, negate1, oddX, oddY, oddNegY);
                addDigit(acc, i < naf2.length ? naf2[i] : 0, negate2, phiX, oddY, oddNegY);
            }
            if (acc.isInfinity()) { // impossible: secret is in 1..n-1 and the group has prime order n
                throw new IllegalStateException("ECDH result is the point at infinity");
            }
            return acc.affineX(g); // X / (Z^2 g): undo the Jacobian scaling and the isomorphism at once
        } finally {
            Arrays.fill(naf1, (byte) 0);
            Arrays.fill(naf2, (byte) 0);
            acc.wipe();
        }
    }

    private static void addDigit(JacobianPoint acc, int digit, boolean negateAll, int[][] xs, int[][] ys,
            int[][] negYs) {
        if (digit == 0) {
            return;
        }
        int i = (Math.abs(digit) - 1) >>> 1;
        acc.addAffine(xs[i], 0, (digit < 0) != negateAll ? negYs[i] : ys[i]);
    }

    /** P, 3P, ..., 15P as affine points, from P = (px, py): one inversion for 2P and one shared for the rest. */
    private static void oddMultiples(int[] px, int[] py, int[][] xs, int[][] ys) {
        JacobianPoint twice = new JacobianPoint();
        twice.setAffine(px, 0, py);
        twice.twice();
        int[][] twiceX = new int[1][8];
        int[][] twiceY = new int[1][8];
        JacobianPoint.toAffine(new JacobianPoint[] {twice}, twiceX, twiceY);
        JacobianPoint[] odd = new JacobianPoint[ODD_MULTIPLES];
        odd[0] = new JacobianPoint();
        odd[0].setAffine(px, 0, py);
        for (int i = 1; i < ODD_MULTIPLES; i++) {
            odd[i] = new JacobianPoint();
            odd[i].set(odd[i - 1]);
            odd[i].addAffine(twiceX[0], 0, twiceY[0]);
        }
        JacobianPoint.toAffine(odd, xs, ys);
    }

    /**
     * The width-5 non-adjacent form of k >= 0 (below 2^190), least significant digit first: digits are 0 or odd in
     * -15..15, and any nonzero digit is followed by at least four zeros.
     */
    static byte[] windowNaf(BigInteger k) {
        if (k.signum() < 0 || k.bitLength() > 190) {
            throw new IllegalArgumentException("scalar half out of range");
        }
        long k0 = k.longValue();
        long k1 = k.shiftRight(64).longValue();
        long k2 = k.shiftRight(128).longValue();
        byte[] naf = new byte[k.bitLength() + 1];
        int n = 0;
        while ((k0 | k1 | k2) != 0) {
            int d = 0;
            if ((k0 & 1) != 0) {
                d = (int) (k0 & ((1 << WIDTH) - 1));
                if (d >= 1 << (WIDTH - 1)) {
                    d -= 1 << WIDTH;
                }
                // k -= d, over three limbs
                long sub = d;
                long r0 = k0 - sub;
                long borrow = d > 0 ? (Long.compareUnsigned(k0, sub) < 0 ? 1 : 0)
                        : (Long.compareUnsigned(r0, k0) < 0 ? -1 : 0); // d < 0 adds -d and may carry
                k0 = r0;
                long r1 = k1 - borrow;
                long borrow2 = borrow > 0 ? (k1 == 0 ? 1 : 0) : (borrow < 0 && r1 == 0 ? -1 : 0);
                k1 = r1;
                k2 -= borrow2;
            }
            naf[n++] = (byte) d;
            k0 = (k0 >>> 1) | (k1 << 63);
            k1 = (k1 >>> 1) | (k2 << 63);
            k2 >>>= 1;
        }
        return Arrays.copyOf(naf, n);
    }

    private static int[] limbs(String hex64) {
        int[] out = new int[8];
        Element.fromHex(hex64).copyLimbs(out);
        return out;
    }
}

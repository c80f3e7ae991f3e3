package org.bip324shaper.core.crypto;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.bip324shaper.core.crypto.Secp256k1Field.Element;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;
import org.bouncycastle.math.raw.Mod;
import org.bouncycastle.math.raw.Nat256;

/**
 * secret * G for secp256k1 by signed fixed windows over a precomputed table: 37 mixed additions of affine table points
 * and no doublings, on BouncyCastle's fixed-width {@link SecP256K1Field} (eight 32-bit limbs).
 *
 * <p>The table (m * 2^(7i) * G for m in 1..64 and i in 0..36: 2368 affine points) is shipped as a resource,
 * {@value #RESOURCE}, rather than computed on first use: computing it costs 4,700 point operations, 50 to 110 ms in a
 * JVM that has not compiled them yet, which every wallet paid on its first v2 connection. Reading it costs about a
 * millisecond. {@code GeneratorTableTest} recomputes every entry with BouncyCastle's reference arithmetic.
 *
 * <p>Not constant-time: which entries are read, and whether a digit is zero, depend on the secret. That is acceptable
 * for BIP-324's ephemeral keys, each multiplied by G once, but makes this unfit for long-term keys.
 */
final class GeneratorMultiplier {
    static final String RESOURCE = "secp256k1-generator-table.bin";
    static final int WINDOW_BITS = 7;
    /** Digits lie in -HALF..HALF-1; the table holds 1..HALF times each window's base. */
    static final int HALF = 1 << (WINDOW_BITS - 1);
    /** 37 windows of 7 bits cover 259 bits: enough for a 256-bit scalar plus the final recoding carry. */
    static final int WINDOWS = (256 + WINDOW_BITS) / WINDOW_BITS;
    /** Ints per table point: x then y, each as eight little-endian 32-bit limbs. */
    static final int POINT_INTS = 16;

    private static final int[] TABLE = load();

    private GeneratorMultiplier() {
    }

    /** The X coordinate of secret * G; the secret (32 bytes, big-endian) must be in 1..n-1. */
    static Element publicX(byte[] secret) {
        int[] digits = signedDigits(secret);
        JacobianPoint acc = new JacobianPoint();
        int[] y = Nat256.create();
        try {
            for (int i = 0; i < WINDOWS; i++) {
                int d = digits[i];
                if (d != 0) {
                    int at = (i * HALF + Math.abs(d) - 1) * POINT_INTS;
                    System.arraycopy(TABLE, at + 8, y, 0, 8);
                    if (d < 0) {
                        SecP256K1Field.negate(y, y);
                    }
                    acc.addAffine(TABLE, at, y);
                }
            }
            return acc.affineX();
        } finally {
            Arrays.fill(digits, 0);
            Arrays.fill(y, 0);
            acc.wipe();
        }
    }

    /** The scalar (32 bytes, big-endian) as WINDOWS digits in -HALF..HALF-1, least significant first. */
    static int[] signedDigits(byte[] scalar) {
        int[] digits = new int[WINDOWS];
        int carry = 0;
        for (int i = 0; i < WINDOWS; i++) {
            int d = bits(scalar, i * WINDOW_BITS) + carry;
            carry = d >= HALF ? 1 : 0;
            digits[i] = d - (carry << WINDOW_BITS);
        }
        return digits; // the top window holds at most 4 scalar bits, so no carry is left over
    }

    /** WINDOW_BITS bits of the big-endian scalar starting at bit {@code from} (0 = least significant). */
    private static int bits(byte[] scalar, int from) {
        int value = 0;
        for (int b = 0; b < WINDOW_BITS; b++) {
            int bit = from + b;
            if (bit < 256) {
                value |= ((scalar[31 - (bit >>> 3)] >>> (bit & 7)) & 1) << b;
            }
        }
        return value;
    }

    /** The table, as WINDOWS * HALF points of POINT_INTS ints (each stored big-endian in the resource). */
    static int[] load() {
        int ints = WINDOWS * HALF * POINT_INTS;
        byte[] raw = new byte[4 * ints];
        try (InputStream in = GeneratorMultiplier.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the secp256k1 generator table " + RESOURCE + " is missing");
            }
            DataInputStream data = new DataInputStream(in);
            data.readFully(raw);
            if (data.read() != -1) {
                throw new IllegalStateException("the secp256k1 generator table " + RESOURCE + " is too long");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not read the secp256k1 generator table " + RESOURCE, e);
        }
        int[] table = new int[ints];
        ByteBuffer.wrap(raw).asIntBuffer().get(table);
        if (!Arrays.equals(table, 0, 8, Secp256k1Field.GENERATOR_X, 0, 8)) {
            throw new IllegalStateException("the secp256k1 generator table " + RESOURCE + " does not start with G");
        }
        return table;
    }

    /** A point in Jacobian coordinates (X/Z^2, Y/Z^3), or infinity; mutable, for one multiplication. */
    private static final class JacobianPoint {
        private final int[] x = Nat256.create();
        private final int[] y = Nat256.create();
        private final int[] z = Nat256.create();
        private boolean infinity = true;
        private final int[] t1 = Nat256.create();
        private final int[] t2 = Nat256.create();
        private final int[] t3 = Nat256.create();
        private final int[] t4 = Nat256.create();
        private final int[] ext = Nat256.createExt();

        /** this += (table[at..at+8), y2), an affine point (madd-2007-bl with Z2 = 1, for a = 0). */
        void addAffine(int[] table, int at, int[] y2) {
            if (infinity) {
                System.arraycopy(table, at, x, 0, 8);
                System.arraycopy(y2, 0, y, 0, 8);
                Arrays.fill(z, 0);
                z[0] = 1;
                infinity = false;
                return;
            }
            int[] u2 = t1;
            int[] s2 = t2;
            SecP256K1Field.square(z, t3, ext); // Z1^2
            System.arraycopy(table, at, u2, 0, 8);
            SecP256K1Field.multiply(u2, t3, u2, ext); // U2 = x2 Z1^2
            SecP256K1Field.multiply(t3, z, s2, ext);
            SecP256K1Field.multiply(s2, y2, s2, ext); // S2 = y2 Z1^3
            int[] h = u2;
            SecP256K1Field.subtract(u2, x, h); // H = U2 - X1
            int[] r = s2;
            SecP256K1Field.subtract(s2, y, r); // R = S2 - Y1
            if (Nat256.isZero(h)) {
                if (Nat256.isZero(r)) {
                    twice(); // the same point: vanishingly rare for random secrets, but defined
                } else {
                    infinity = true; // P + (-P)
                }
                return;
            }
            int[] hh = t3;
            SecP256K1Field.square(h, hh, ext); // HH = H^2
            int[] hhh = t4;
            SecP256K1Field.multiply(hh, h, hhh, ext); // HHH = H^3
            SecP256K1Field.multiply(z, h, z, ext); // Z3 = Z1 H
            int[] v = hh;
            SecP256K1Field.multiply(x, hh, v, ext); // V = X1 HH
            SecP256K1Field.multiply(y, hhh, y, ext); // Y1 HHH, kept in y until Y3 is formed
            SecP256K1Field.square(r, x, ext);
            SecP256K1Field.subtract(x, hhh, x);
            SecP256K1Field.subtract(x, v, x);
            SecP256K1Field.subtract(x, v, x); // X3 = R^2 - HHH - 2V
            SecP256K1Field.subtract(v, x, v);
            SecP256K1Field.multiply(v, r, v, ext);
            SecP256K1Field.subtract(v, y, y); // Y3 = R (V - X3) - Y1 HHH
        }

        /** this = 2 this (dbl-2009-l, for a = 0). */
        private void twice() {
            int[] a = t1;
            int[] b = t2;
            int[] c = t3;
            int[] d = t4;
            SecP256K1Field.square(x, a, ext); // A = X^2
            SecP256K1Field.square(y, b, ext); // B = Y^2
            SecP256K1Field.square(b, c, ext); // C = B^2
            SecP256K1Field.add(x, b, d);
            SecP256K1Field.square(d, d, ext);
            SecP256K1Field.subtract(d, a, d);
            SecP256K1Field.subtract(d, c, d);
            SecP256K1Field.twice(d, d); // D = 2((X + B)^2 - A - C)
            SecP256K1Field.multiply(y, z, z, ext);
            SecP256K1Field.twice(z, z); // Z3 = 2 Y Z
            int[] e = b;
            SecP256K1Field.twice(a, e);
            SecP256K1Field.add(e, a, e); // E = 3A
            SecP256K1Field.square(e, x, ext);
            SecP256K1Field.subtract(x, d, x);
            SecP256K1Field.subtract(x, d, x); // X3 = E^2 - 2D
            SecP256K1Field.subtract(d, x, d);
            SecP256K1Field.multiply(e, d, y, ext);
            SecP256K1Field.twice(c, c);
            SecP256K1Field.twice(c, c);
            SecP256K1Field.twice(c, c);
            SecP256K1Field.subtract(y, c, y); // Y3 = E (D - X3) - 8C
        }

        /** X / Z^2. */
        Element affineX() {
            if (infinity) { // impossible: the secret is in 1..n-1 and the group has prime order n
                throw new IllegalStateException("secret * G is the point at infinity");
            }
            int[] zInv = t1;
            Mod.modOddInverseVar(Secp256k1Field.P, z, zInv);
            SecP256K1Field.square(zInv, t2, ext);
            SecP256K1Field.multiply(x, t2, t2, ext);
            return Element.fromLimbs(t2);
        }

        void wipe() {
            for (int[] a : new int[][] {x, y, z, t1, t2, t3, t4, ext}) {
                Arrays.fill(a, 0);
            }
        }
    }
}

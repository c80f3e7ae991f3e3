package org.bip324shaper.core.internal.crypto;

import java.util.Arrays;
import java.util.Optional;
import org.bip324shaper.core.Hex;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;
import org.bouncycastle.math.raw.Mod;
import org.bouncycastle.math.raw.Nat256;

/**
 * Arithmetic in GF(p), p = 2^256 - 2^32 - 977, the base field of secp256k1, as ElligatorSwift needs it.
 *
 * <p>Built on BouncyCastle's fixed-width {@link SecP256K1Field} routines (eight 32-bit limbs, always fully reduced), so
 * no {@code BigInteger} is involved. Everything here operates on public data (encodings and X coordinates), so the
 * variable-time inverse is fine.
 */
final class Secp256k1Field {
    /** p, as little-endian 32-bit limbs. */
    static final int[] P = {
        0xFFFFFC2F, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF
    };

    /** The X coordinate of the generator G, as little-endian 32-bit limbs. */
    static final int[] GENERATOR_X = {
        0x16F81798, 0x59F2815B, 0x2DCE28D9, 0x029BFCDB, 0xCE870B07, 0x55A06295, 0xF9DCBBAC, 0x79BE667E
    };

    private Secp256k1Field() {
    }

    /**
     * The Jacobi symbol (a/p) of a canonical element a, by the binary algorithm: -1, 0 or 1. Runs in time that depends
     * on a, so it is only for public values.
     */
    static int jacobiModP(int[] a) {
        long a0 = limbPair(a, 0);
        long a1 = limbPair(a, 2);
        long a2 = limbPair(a, 4);
        long a3 = limbPair(a, 6);
        long n0 = limbPair(P, 0);
        long n1 = limbPair(P, 2);
        long n2 = limbPair(P, 4);
        long n3 = limbPair(P, 6);
        int symbol = 1;
        while (true) {
            if ((a0 | a1 | a2 | a3) == 0) {
                return n0 == 1 && (n1 | n2 | n3) == 0 ? symbol : 0;
            }
            if (a0 == 0) { // drop a whole zero limb: an even number of halvings leaves the symbol alone
                a0 = a1;
                a1 = a2;
                a2 = a3;
                a3 = 0;
                continue;
            }
            int zeros = Long.numberOfTrailingZeros(a0);
            if (zeros != 0) {
                a0 = (a0 >>> zeros) | (a1 << (64 - zeros));
                a1 = (a1 >>> zeros) | (a2 << (64 - zeros));
                a2 = (a2 >>> zeros) | (a3 << (64 - zeros));
                a3 >>>= zeros;
                int nMod8 = (int) n0 & 7;
                if ((zeros & 1) != 0 && (nMod8 == 3 || nMod8 == 5)) {
                    symbol = -symbol; // (2/n) = -1 exactly when n = 3 or 5 mod 8
                }
            }
            // a and n are odd now; keep a >= n, swapping by quadratic reciprocity
            if (lessUnsigned(a0, a1, a2, a3, n0, n1, n2, n3)) {
                long t = a0;
                a0 = n0;
                n0 = t;
                t = a1;
                a1 = n1;
                n1 = t;
                t = a2;
                a2 = n2;
                n2 = t;
                t = a3;
                a3 = n3;
                n3 = t;
                if ((a0 & n0 & 2) != 0) {
                    symbol = -symbol; // both are 3 mod 4
                }
            }
            // a -= n, leaving a even: (a - n / n) = (a / n)
            long d0 = a0 - n0;
            long borrow = ((~a0 & n0) | (~(a0 ^ n0) & d0)) >>> 63;
            long d1 = a1 - n1 - borrow;
            borrow = ((~a1 & n1) | (~(a1 ^ n1) & d1)) >>> 63;
            long d2 = a2 - n2 - borrow;
            borrow = ((~a2 & n2) | (~(a2 ^ n2) & d2)) >>> 63;
            a3 = a3 - n3 - borrow;
            a0 = d0;
            a1 = d1;
            a2 = d2;
        }
    }

    private static long limbPair(int[] limbs, int i) {
        return (limbs[i] & 0xFFFFFFFFL) | ((long) limbs[i + 1] << 32);
    }

    private static boolean lessUnsigned(long a0, long a1, long a2, long a3, long n0, long n1, long n2, long n3) {
        if (a3 != n3) {
            return Long.compareUnsigned(a3, n3) < 0;
        }
        if (a2 != n2) {
            return Long.compareUnsigned(a2, n2) < 0;
        }
        if (a1 != n1) {
            return Long.compareUnsigned(a1, n1) < 0;
        }
        return Long.compareUnsigned(a0, n0) < 0;
    }

    /** An immutable element of GF(p), always in canonical form 0..p-1. */
    static final class Element {
        static final Element ZERO = small(0);
        static final Element ONE = small(1);
        /** The curve constant b of y^2 = x^3 + 7. */
        static final Element SEVEN = small(7);

        private final int[] limbs;

        private Element(int[] limbs) {
            this.limbs = limbs;
        }

        /** The element with these canonical (below p) little-endian limbs, copied. */
        static Element fromLimbs(int[] limbs8) {
            if (limbs8.length != 8 || Nat256.gte(limbs8, P)) {
                throw new IllegalArgumentException("not a canonical field element");
            }
            return new Element(limbs8.clone());
        }

        /** A small non-negative constant. */
        static Element small(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("negative constant");
            }
            int[] z = Nat256.create();
            z[0] = value;
            return new Element(z);
        }

        /**
         * The 32 big-endian bytes at {@code offset}, reduced mod p: every 256-bit string is accepted, as the BIP's
         * {@code int(bytes) mod p}. A 256-bit value is below 2p, so one conditional subtraction reduces it.
         */
        static Element fromBytes(byte[] bytes, int offset) {
            if (offset < 0 || bytes.length - offset < 32) {
                throw new IllegalArgumentException("need 32 bytes for a field element");
            }
            int[] z = Nat256.create();
            for (int i = 0; i < 8; i++) {
                int p = offset + 28 - 4 * i;
                z[i] = (bytes[p] & 0xFF) << 24 | (bytes[p + 1] & 0xFF) << 16 | (bytes[p + 2] & 0xFF) << 8 | (bytes[p + 3] & 0xFF);
            }
            if (Nat256.gte(z, P)) {
                Nat256.subFrom(P, z);
            }
            return new Element(z);
        }

        /** Parses a 64-digit big-endian hex constant; for the module's fixed constants only. */
        static Element fromHex(String hex64) {
            if (hex64.length() != 64) {
                throw new IllegalArgumentException("need 64 hex digits");
            }
            byte[] b = new byte[32];
            for (int i = 0; i < 32; i++) {
                b[i] = (byte) Integer.parseInt(hex64.substring(2 * i, 2 * i + 2), 16);
            }
            return fromBytes(b, 0);
        }

        /** Copies the eight little-endian limbs into {@code dst}. */
        void copyLimbs(int[] dst) {
            System.arraycopy(limbs, 0, dst, 0, 8);
        }

        /** This element as 32 big-endian bytes. */
        byte[] toBytes() {
            byte[] out = new byte[32];
            writeTo(out, 0);
            return out;
        }

        /** Writes this element as 32 big-endian bytes at {@code offset}. */
        void writeTo(byte[] out, int offset) {
            for (int i = 0; i < 8; i++) {
                int p = offset + 28 - 4 * i;
                int w = limbs[i];
                out[p] = (byte) (w >>> 24);
                out[p + 1] = (byte) (w >>> 16);
                out[p + 2] = (byte) (w >>> 8);
                out[p + 3] = (byte) w;
            }
        }

        boolean isZero() {
            return Nat256.isZero(limbs);
        }

        Element add(Element other) {
            int[] z = Nat256.create();
            SecP256K1Field.add(limbs, other.limbs, z);
            return new Element(z);
        }

        Element subtract(Element other) {
            int[] z = Nat256.create();
            SecP256K1Field.subtract(limbs, other.limbs, z);
            return new Element(z);
        }

        Element multiply(Element other) {
            int[] z = Nat256.create();
            SecP256K1Field.multiply(limbs, other.limbs, z);
            return new Element(z);
        }

        Element square() {
            int[] z = Nat256.create();
            SecP256K1Field.square(limbs, z);
            return new Element(z);
        }

        Element negate() {
            int[] z = Nat256.create();
            SecP256K1Field.negate(limbs, z);
            return new Element(z);
        }

        /** this / 2. */
        Element half() {
            int[] z = Nat256.create();
            SecP256K1Field.half(limbs, z);
            return new Element(z);
        }

        /** 1 / this; zero has no inverse. */
        Element invert() {
            int[] z = Nat256.create();
            if (!Mod.modOddInverseVar(P, limbs, z)) {
                throw new ArithmeticException("zero has no inverse mod p");
            }
            return new Element(z);
        }

        /**
         * The square root as the BIP defines it, this^((p+1)/4), which is itself a square; empty when this is not a
         * square. (0 is a square, with root 0.)
         */
        Optional<Element> sqrt() {
            Element candidate = powPPlus1Over4();
            return candidate.square().equals(this) ? Optional.of(candidate) : Optional.empty();
        }

        /**
         * Whether this is a square mod p (0 counts as one). Uses the Jacobi symbol, about five times faster than
         * Euler's criterion by exponentiation; the square tests dominate ElligatorSwift's cost.
         */
        boolean isSquare() {
            return jacobiModP(limbs) >= 0;
        }

        /** Whether this is the X coordinate of a point on y^2 = x^3 + 7 (lift_x succeeds). */
        boolean isValidX() {
            return square().multiply(this).add(SEVEN).isSquare();
        }

        /**
         * Whether num/den is a valid X coordinate, without inverting den (den must be nonzero): x^3 + 7 is a square
         * iff (num^3 + 7 den^3) * den is one, as they differ by the square factor den^4.
         */
        static boolean isValidXFraction(Element num, Element den) {
            Element den3 = den.square().multiply(den);
            Element num3 = num.square().multiply(num);
            return num3.add(SEVEN.multiply(den3)).multiply(den).isSquare();
        }

        /**
         * this^((p+1)/4). (p+1)/4 is, in binary, 223 ones, a zero, 22 ones, four zeros, two ones and two zeros; the
         * chain builds this^(2^k - 1) for k = 2, 3, 6, 9, 11, 22, 44, 88, 176, 220, 223 and then shifts in the tail.
         * Costs 253 squarings and 13 multiplications.
         */
        private Element powPPlus1Over4() {
            int[] x = limbs;
            int[] x2 = Nat256.create();
            SecP256K1Field.square(x, x2);
            SecP256K1Field.multiply(x2, x, x2);
            int[] x3 = Nat256.create();
            SecP256K1Field.square(x2, x3);
            SecP256K1Field.multiply(x3, x, x3);
            int[] x6 = Nat256.create();
            SecP256K1Field.squareN(x3, 3, x6);
            SecP256K1Field.multiply(x6, x3, x6);
            int[] x9 = Nat256.create();
            SecP256K1Field.squareN(x6, 3, x9);
            SecP256K1Field.multiply(x9, x3, x9);
            int[] x11 = Nat256.create();
            SecP256K1Field.squareN(x9, 2, x11);
            SecP256K1Field.multiply(x11, x2, x11);
            int[] x22 = Nat256.create();
            SecP256K1Field.squareN(x11, 11, x22);
            SecP256K1Field.multiply(x22, x11, x22);
            int[] x44 = Nat256.create();
            SecP256K1Field.squareN(x22, 22, x44);
            SecP256K1Field.multiply(x44, x22, x44);
            int[] x88 = Nat256.create();
            SecP256K1Field.squareN(x44, 44, x88);
            SecP256K1Field.multiply(x88, x44, x88);
            int[] x176 = Nat256.create();
            SecP256K1Field.squareN(x88, 88, x176);
            SecP256K1Field.multiply(x176, x88, x176);
            int[] x220 = Nat256.create();
            SecP256K1Field.squareN(x176, 44, x220);
            SecP256K1Field.multiply(x220, x44, x220);
            int[] t = Nat256.create();
            SecP256K1Field.squareN(x220, 3, t);
            SecP256K1Field.multiply(t, x3, t); // x^(2^223 - 1)
            SecP256K1Field.squareN(t, 23, t);
            SecP256K1Field.multiply(t, x22, t);
            SecP256K1Field.squareN(t, 6, t);
            SecP256K1Field.multiply(t, x2, t);
            SecP256K1Field.squareN(t, 2, t);
            return new Element(t);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Element && Nat256.eq(limbs, ((Element) o).limbs);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(limbs);
        }

        @Override
        public String toString() {
            return Hex.encode(toBytes());
        }
    }
}

package org.bip324shaper.core.internal.crypto;

import java.util.Arrays;
import org.bip324shaper.core.internal.crypto.Secp256k1Field.Element;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;
import org.bouncycastle.math.raw.Mod;
import org.bouncycastle.math.raw.Nat256;

/**
 * A mutable point of y^2 = x^3 + b over GF(p), p = 2^256 - 2^32 - 977, in Jacobian coordinates (X/Z^2, Y/Z^3), or the
 * point at infinity: the working point of one scalar multiplication. The formulas (a = 0) never use b, so the same
 * code serves secp256k1 and the isomorphic curves {@link XOnlyEcdh} works on.
 *
 * <p>Field arithmetic is BouncyCastle's fixed-width {@link SecP256K1Field} on eight 32-bit limbs, with all
 * temporaries held here: no allocation per operation. Variable-time (see the callers for why that is acceptable).
 */
final class JacobianPoint {
    private final int[] x = Nat256.create();
    private final int[] y = Nat256.create();
    private final int[] z = Nat256.create();
    private boolean infinity = true;
    private final int[] t1 = Nat256.create();
    private final int[] t2 = Nat256.create();
    private final int[] t3 = Nat256.create();
    private final int[] t4 = Nat256.create();
    private final int[] ext = Nat256.createExt();

    boolean isInfinity() {
        return infinity;
    }

    /** this = (ax[axOff..axOff+8), ay), affine. */
    void setAffine(int[] ax, int axOff, int[] ay) {
        System.arraycopy(ax, axOff, x, 0, 8);
        System.arraycopy(ay, 0, y, 0, 8);
        Arrays.fill(z, 0);
        z[0] = 1;
        infinity = false;
    }

    /** this = other. */
    void set(JacobianPoint other) {
        System.arraycopy(other.x, 0, x, 0, 8);
        System.arraycopy(other.y, 0, y, 0, 8);
        System.arraycopy(other.z, 0, z, 0, 8);
        infinity = other.infinity;
    }

    /** this += (ax[axOff..axOff+8), ay), an affine point (madd-2007-bl with Z2 = 1). */
    void addAffine(int[] ax, int axOff, int[] ay) {
        if (infinity) {
            setAffine(ax, axOff, ay);
            return;
        }
        int[] u2 = t1;
        int[] s2 = t2;
        SecP256K1Field.square(z, t3, ext); // Z1^2
        System.arraycopy(ax, axOff, u2, 0, 8);
        SecP256K1Field.multiply(u2, t3, u2, ext); // U2 = x2 Z1^2
        SecP256K1Field.multiply(t3, z, s2, ext);
        SecP256K1Field.multiply(s2, ay, s2, ext); // S2 = y2 Z1^3
        int[] h = u2;
        SecP256K1Field.subtract(u2, x, h); // H = U2 - X1
        int[] r = s2;
        SecP256K1Field.subtract(s2, y, r); // R = S2 - Y1
        if (Nat256.isZero(h)) {
            if (Nat256.isZero(r)) {
                twice(); // the same point
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

    /** this = 2 this (dbl-2009-l). */
    void twice() {
        if (infinity) {
            return;
        }
        if (Nat256.isZero(y)) { // a point of order 2; none exists on these curves, but stay defined
            infinity = true;
            return;
        }
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

    /**
     * The affine X coordinate divided by {@code divisor} (null for 1): X / (Z^2 divisor), with one inversion.
     *
     * @throws IllegalStateException at infinity
     */
    Element affineX(int[] divisor) {
        if (infinity) {
            throw new IllegalStateException("the point at infinity has no X coordinate");
        }
        int[] zz = t1;
        SecP256K1Field.square(z, zz, ext);
        if (divisor != null) {
            SecP256K1Field.multiply(zz, divisor, zz, ext);
        }
        int[] inv = t2;
        if (!Mod.modOddInverseVar(Secp256k1Field.P, zz, inv)) {
            throw new IllegalStateException("the divisor is zero");
        }
        SecP256K1Field.multiply(x, inv, inv, ext);
        return Element.fromLimbs(inv);
    }

    /**
     * Normalises the finite points to affine coordinates with one shared inversion (Montgomery's trick), writing each
     * X to {@code xs[i]} and Y to {@code ys[i]}.
     */
    static void toAffine(JacobianPoint[] points, int[][] xs, int[][] ys) {
        int n = points.length;
        int[][] prefix = new int[n][];
        int[] ext = Nat256.createExt();
        int[] acc = Nat256.create();
        acc[0] = 1;
        for (int i = 0; i < n; i++) {
            if (points[i].infinity) {
                throw new IllegalStateException("cannot normalise the point at infinity");
            }
            prefix[i] = acc.clone(); // z_0 ... z_{i-1}
            SecP256K1Field.multiply(acc, points[i].z, acc, ext);
        }
        int[] inv = Nat256.create();
        if (!Mod.modOddInverseVar(Secp256k1Field.P, acc, inv)) {
            throw new IllegalStateException("a Z coordinate is zero");
        }
        int[] zInv = Nat256.create();
        int[] zInv2 = Nat256.create();
        for (int i = n - 1; i >= 0; i--) {
            JacobianPoint p = points[i];
            SecP256K1Field.multiply(inv, prefix[i], zInv, ext); // 1/z_i
            SecP256K1Field.multiply(inv, p.z, inv, ext); // 1/(z_0 ... z_{i-1})
            SecP256K1Field.square(zInv, zInv2, ext);
            SecP256K1Field.multiply(p.x, zInv2, xs[i], ext);
            SecP256K1Field.multiply(zInv2, zInv, zInv2, ext);
            SecP256K1Field.multiply(p.y, zInv2, ys[i], ext);
        }
    }

    void wipe() {
        for (int[] a : new int[][] {x, y, z, t1, t2, t3, t4, ext}) {
            Arrays.fill(a, 0);
        }
        infinity = true;
    }
}

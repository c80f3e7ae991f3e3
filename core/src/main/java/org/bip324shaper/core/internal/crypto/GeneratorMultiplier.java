package org.bip324shaper.core.internal.crypto;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bip324shaper.core.internal.crypto.Secp256k1Field.Element;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;
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
            return acc.affineX(null);
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
}

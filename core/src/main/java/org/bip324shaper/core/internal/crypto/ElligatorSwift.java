package org.bip324shaper.core.internal.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.core.internal.crypto.Secp256k1Field.Element;

/**
 * ElligatorSwift for secp256k1 as BIP-324 specifies it: every 64-byte string {@code u || t} encodes an X coordinate,
 * and every X coordinate has encodings that are uniformly distributed, so a public key on the wire looks like random
 * bytes.
 *
 * <p>All inputs and outputs are big-endian byte arrays; field values are read mod p, as the BIP says. Nothing here
 * touches secret data, so variable-time arithmetic is used throughout.
 */
public final class ElligatorSwift {
    /** Length of an encoding, u || t. */
    public static final int ENCODING_LENGTH = 64;
    /** Length of a field element and of an X coordinate. */
    public static final int FIELD_LENGTH = 32;

    /** c = sqrt(-3) mod p, the root that is itself a square (BIP-324). */
    private static final Element C = Element.fromHex("0a2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852");
    /** (c - 1)/2 and (-c - 1)/2: the decode formula for the second candidate collapses onto these. */
    private static final Element C_MINUS_1_HALF = C.subtract(Element.ONE).half();
    private static final Element MINUS_C_MINUS_1_HALF = C.negate().subtract(Element.ONE).half();
    /** (1 - c)/2 and (1 + c)/2, from the return step of XSwiftECInv. */
    private static final Element ONE_MINUS_C_HALF = Element.ONE.subtract(C).half();
    private static final Element ONE_PLUS_C_HALF = Element.ONE.add(C).half();
    private static final Element THREE = Element.small(3);
    private static final Element FOUR = Element.small(4);

    /**
     * Attempts before {@link #encode} gives up. One attempt succeeds with probability about 1/4, so reaching this
     * bound means the random source is broken (e.g. returns constant bytes), not bad luck.
     */
    private static final int MAX_ENCODE_ATTEMPTS = 1024;

    private ElligatorSwift() {
    }

    /**
     * XSwiftEC: the X coordinate (32 bytes, big-endian) encoded by {@code encoded64 = u || t}. Defined for every
     * input, including u or t equal to 0 or at least p.
     */
    public static byte[] decode(byte[] encoded64) {
        requireLength(encoded64, ENCODING_LENGTH, "ElligatorSwift encoding");
        return decodeX(encoded64).toBytes();
    }

    /**
     * XSwiftECInv: a t such that {@code decode(u || t)} is x, chosen by {@code caseIndex} (0..7) among the up to
     * eight such values, or empty when that case has none.
     *
     * @throws IllegalArgumentException if a length is wrong, caseIndex is outside 0..7, u is 0 mod p (the decoder
     *     replaces u = 0 by 1, so no t could be "for" it), or x is not the X coordinate of a curve point
     */
    public static Optional<byte[]> inverse(byte[] x32, byte[] u32, int caseIndex) {
        requireLength(x32, FIELD_LENGTH, "x");
        requireLength(u32, FIELD_LENGTH, "u");
        if (caseIndex < 0 || caseIndex > 7) {
            throw new IllegalArgumentException("case must be in 0..7, got " + caseIndex);
        }
        Element x = Element.fromBytes(x32, 0);
        Element u = Element.fromBytes(u32, 0);
        if (u.isZero()) {
            throw new IllegalArgumentException("u must be nonzero mod p");
        }
        if (!x.isValidX()) {
            throw new IllegalArgumentException("x is not the X coordinate of a point on secp256k1");
        }
        Optional<Element> t = inverse(x, u, caseIndex);
        return t.isPresent() ? Optional.of(t.get().toBytes()) : Optional.empty();
    }

    /**
     * XElligatorSwift: a uniformly random 64-byte encoding of x.
     *
     * @throws IllegalArgumentException if x is not 32 bytes or not the X coordinate of a curve point
     */
    public static byte[] encode(byte[] x32, SecureRandom random) {
        requireLength(x32, FIELD_LENGTH, "x");
        Objects.requireNonNull(random, "random");
        Element x = Element.fromBytes(x32, 0);
        if (!x.isValidX()) {
            throw new IllegalArgumentException("x is not the X coordinate of a point on secp256k1");
        }
        return encode(x, random);
    }

    /** XElligatorSwift for an x already known to be on the curve. */
    static byte[] encode(Element x, SecureRandom random) {
        byte[] draw = new byte[FIELD_LENGTH + 1];
        for (int attempt = 0; attempt < MAX_ENCODE_ATTEMPTS; attempt++) {
            // u uniform in 1..p-1 (out-of-range draws are redrawn, not reduced), case uniform in 0..7.
            random.nextBytes(draw);
            Element u = Element.fromBytes(draw, 0);
            if (u.isZero() || !isCanonical(u, draw)) {
                continue;
            }
            Optional<Element> t = inverse(x, u, draw[FIELD_LENGTH] & 7);
            if (t.isPresent()) {
                byte[] out = new byte[ENCODING_LENGTH];
                u.writeTo(out, 0);
                t.get().writeTo(out, FIELD_LENGTH);
                return out;
            }
        }
        throw new IllegalStateException("no ElligatorSwift encoding found in " + MAX_ENCODE_ATTEMPTS
            + " attempts: the random source is not random");
    }

    /**
     * XSwiftEC on the field. The BIP's three candidates are kept as fractions num/den so that choosing among them costs
     * two square tests and one inversion instead of three inversions. With g = u^3 + 7, s = t^2:
     * <ul>
     * <li>u + 4Y^2 = (3su^3 - (g+s)^2) / (3su^2), since Y = (g+s)/(2tcu) and c^2 = -3;</li>
     * <li>(-X/Y - u)/2 = u((c-1)/2 s + (-c-1)/2 g) / (g+s), since X/Y = cu(g-s)/(g+s);</li>
     * <li>(X/Y - u)/2 = -(second + u).</li>
     * </ul>
     * g + s is never 0 (the BIP doubles t first if it is), and neither are u and s, so no denominator vanishes.
     */
    static Element decodeX(byte[] encoded64) {
        Element u = Element.fromBytes(encoded64, 0);
        Element t = Element.fromBytes(encoded64, FIELD_LENGTH);
        if (u.isZero()) {
            u = Element.ONE;
        }
        if (t.isZero()) {
            t = Element.ONE;
        }
        Element u2 = u.square();
        Element g = u2.multiply(u).add(Element.SEVEN);
        Element s = t.square();
        Element gPlusS = g.add(s);
        if (gPlusS.isZero()) {
            s = s.multiply(FOUR); // t := 2t
            gPlusS = g.add(s);
        }
        Element den1 = THREE.multiply(s).multiply(u2);
        Element num1 = den1.multiply(u).subtract(gPlusS.square());
        if (Element.isValidXFraction(num1, den1)) {
            return num1.multiply(den1.invert());
        }
        Element num2 = u.multiply(C_MINUS_1_HALF.multiply(s).add(MINUS_C_MINUS_1_HALF.multiply(g)));
        Element invGPlusS = gPlusS.invert();
        if (Element.isValidXFraction(num2, gPlusS)) {
            return num2.multiply(invGPlusS);
        }
        // The BIP guarantees at least one candidate is on the curve, so the last one needs no test.
        return num2.multiply(invGPlusS).add(u).negate();
    }

    /**
     * XSwiftECInv on the field, for x on the curve and u nonzero. Square tests run before inversions, so that the
     * common failures are cheap; each test is the BIP's own condition rewritten without division (a/b is a square iff
     * a*b is, for b nonzero).
     */
    static Optional<Element> inverse(Element x, Element u, int caseIndex) {
        Element u2 = u.square();
        Element g = u2.multiply(u).add(Element.SEVEN);
        Element s;
        Element v;
        if ((caseIndex & 2) == 0) {
            if (x.add(u).negate().isValidX()) {
                return Optional.empty();
            }
            v = x;
            // q = u^2 + uv + v^2 is nonzero: q = 0 would give x^3 = (-x-u)^3, so both or neither would be valid.
            Element q = u2.add(u.multiply(v)).add(v.square());
            if (!g.multiply(q).negate().isSquare()) {
                return Optional.empty(); // s = -g/q is not a square
            }
            s = g.negate().multiply(q.invert());
        } else {
            s = x.subtract(u);
            if (s.isZero() || !s.isSquare()) {
                return Optional.empty();
            }
            Element radicand = s.negate().multiply(FOUR.multiply(g).add(THREE.multiply(u2).multiply(s)));
            if (!radicand.isSquare()) {
                return Optional.empty(); // the cheap test first: the root costs an exponentiation
            }
            Element r = rootOfSquare(radicand);
            if ((caseIndex & 1) == 1 && r.isZero()) {
                return Optional.empty();
            }
            v = r.multiply(s.invert()).subtract(u).half();
        }
        Element w = rootOfSquare(s);
        switch (caseIndex & 5) {
            case 0:
                return Optional.of(w.multiply(u.multiply(ONE_MINUS_C_HALF).add(v)).negate());
            case 1:
                return Optional.of(w.multiply(u.multiply(ONE_PLUS_C_HALF).add(v)));
            case 4:
                return Optional.of(w.multiply(u.multiply(ONE_MINUS_C_HALF).add(v)));
            default: // 5
                return Optional.of(w.multiply(u.multiply(ONE_PLUS_C_HALF).add(v)).negate());
        }
    }

    /**
     * The root of a value already tested to be a square. (No lambda: the first lambda of a JVM costs milliseconds of
     * bootstrap, and this runs in the first handshake.)
     */
    private static Element rootOfSquare(Element square) {
        Optional<Element> root = square.sqrt();
        if (root.isEmpty()) {
            throw new AssertionError("the value was tested to be a square");
        }
        return root.get();
    }

    /** Whether the 32 bytes at the start of {@code raw} were already below p, i.e. reading them did not reduce. */
    private static boolean isCanonical(Element reduced, byte[] raw) {
        return Arrays.equals(reduced.toBytes(), 0, FIELD_LENGTH, raw, 0, FIELD_LENGTH);
    }

    static void requireLength(byte[] bytes, int expected, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + " bytes, got " + bytes.length);
        }
    }
}

package org.bip324shaper.core.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import javax.security.auth.Destroyable;

import org.bip324shaper.core.Hex;
import org.bip324shaper.core.crypto.Secp256k1Field.Element;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.ECPointMap;
import org.bouncycastle.math.ec.WNafUtil;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Curve;
import org.bouncycastle.math.ec.endo.GLVEndomorphism;
import org.bouncycastle.math.ec.endo.GLVTypeBEndomorphism;
import org.bouncycastle.math.ec.endo.GLVTypeBParameters;
import org.bouncycastle.math.ec.endo.ScalarSplitParameters;

/**
 * An ephemeral secp256k1 secret key with its ElligatorSwift-encoded public key: one side of a BIP-324 key exchange
 * ({@code ellswift_create}, {@code ellswift_ecdh_xonly} and {@code v2_ecdh}).
 *
 * <p>The secret is held as bytes so that {@link #destroy()} can wipe it; it becomes a {@code BigInteger} only for the
 * length of the ECDH multiplication (BouncyCastle's GLV split takes no other form, and a {@code BigInteger} cannot be
 * wiped). Not safe for use concurrently with {@link #destroy()}.
 *
 * <p>The scalar multiplications are fast but not constant-time. BIP-324 keys are ephemeral: each secret is multiplied
 * once by G and once by the peer's point, which leaves a timing observer a single trace per secret. Do not reuse this
 * class for long-lived keys.
 */
public final class EllSwiftPrivateKey implements Destroyable {
    /** Length of a secret key. */
    public static final int SECRET_LENGTH = 32;

    /**
     * secp256k1 on BouncyCastle's fixed-width field, with its GLV endomorphism (the parameters BouncyCastle's
     * {@code CustomNamedCurves} uses). Built directly: {@code CustomNamedCurves} initialises every named curve's
     * OIDs and holders, tens of milliseconds in a fresh JVM.
     */
    private static final ECCurve CURVE = glvCurve();
    /** The group order n, big-endian, for range checks without {@code BigInteger}. */
    private static final byte[] ORDER = Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    /** SHA256(tag) || SHA256(tag) for tag "bip324_ellswift_xonly_ecdh", already absorbed; copied per use. */
    private static final SHA256Digest SHARED_SECRET_HASH_PREFIX = taggedHashPrefix("bip324_ellswift_xonly_ecdh");

    private final byte[] secret;
    private final EllSwiftPublicKey publicKey;
    private volatile boolean destroyed;

    private EllSwiftPrivateKey(byte[] secret, EllSwiftPublicKey publicKey) {
        this.secret = secret;
        this.publicKey = publicKey;
    }

    /** A fresh random key, with a fresh uniformly random encoding of its public key. */
    public static EllSwiftPrivateKey generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] secret = new byte[SECRET_LENGTH];
        do {
            random.nextBytes(secret);
        } while (!isValidSecret(secret)); // redraw, not reduce: uniform in 1..n-1
        return withRandomEncoding(secret, random);
    }

    /**
     * The key with this secret (copied), and a random encoding of its public key.
     *
     * @throws IllegalArgumentException if the secret is not 32 bytes or not in 1..n-1
     */
    public static EllSwiftPrivateKey fromSecret(byte[] secret32, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        return withRandomEncoding(checkedCopy(secret32), random);
    }

    /**
     * The key with this secret (copied) and this given encoding of its public key, as in the official vectors, where
     * the encoding is fixed.
     *
     * @throws IllegalArgumentException if the secret is not 32 bytes or not in 1..n-1, or if the encoding does not
     *     decode to the X coordinate of secret*G
     */
    public static EllSwiftPrivateKey fromSecretAndEncoding(byte[] secret32, EllSwiftPublicKey encoding) {
        Objects.requireNonNull(encoding, "encoding");
        byte[] secret = checkedCopy(secret32);
        if (!publicX(secret).equals(encoding.xElement())) {
            Arrays.fill(secret, (byte) 0);
            throw new IllegalArgumentException("the encoding is not of this secret's public key");
        }
        return new EllSwiftPrivateKey(secret, encoding);
    }

    /** Our public key, as it goes on the wire. */
    public EllSwiftPublicKey publicKey() {
        checkNotDestroyed();
        return publicKey;
    }

    /**
     * {@code ellswift_ecdh_xonly}: the X coordinate (32 bytes) of secret * P, where P is either point with the X
     * coordinate their encoding decodes to (the two give the same X).
     */
    public byte[] xOnlyEcdh(EllSwiftPublicKey theirs) {
        Objects.requireNonNull(theirs, "theirs");
        checkNotDestroyed();
        return XOnlyMultiplier.multiply(theirs.xElement(), secret).toBytes();
    }

    /**
     * {@code v2_ecdh}: the BIP-324 shared secret, tagged SHA-256 ("bip324_ellswift_xonly_ecdh") of the initiator's
     * encoding, the responder's encoding and the X-only ECDH result. Both sides get the same 32 bytes.
     */
    public byte[] bip324SharedSecret(EllSwiftPublicKey theirs, boolean weAreInitiator) {
        byte[] xShared = xOnlyEcdh(theirs);
        int n = ElligatorSwift.ENCODING_LENGTH;
        byte[] message = new byte[2 * n + ElligatorSwift.FIELD_LENGTH];
        (weAreInitiator ? publicKey : theirs).writeTo(message, 0);
        (weAreInitiator ? theirs : publicKey).writeTo(message, n);
        System.arraycopy(xShared, 0, message, 2 * n, xShared.length);
        Arrays.fill(xShared, (byte) 0);
        SHA256Digest digest = new SHA256Digest(SHARED_SECRET_HASH_PREFIX);
        digest.update(message, 0, message.length);
        Arrays.fill(message, 2 * n, message.length, (byte) 0);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }

    /** Wipes the secret; every later use of this key throws {@link IllegalStateException}. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(secret, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return destroyed ? "EllSwiftPrivateKey[destroyed]" : "EllSwiftPrivateKey[public " + publicKey + "]";
    }

    private static EllSwiftPrivateKey withRandomEncoding(byte[] secret, SecureRandom random) {
        byte[] encoding = ElligatorSwift.encode(publicX(secret), random);
        return new EllSwiftPrivateKey(secret, EllSwiftPublicKey.fromBytes(encoding));
    }

    /** X coordinate of secret * G. */
    private static Element publicX(byte[] secret) {
        return GeneratorMultiplier.publicX(secret);
    }

    private static ECCurve glvCurve() {
        SecP256K1Curve curve = new SecP256K1Curve();
        GLVTypeBParameters glv = new GLVTypeBParameters(
                new BigInteger("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee", 16),
                new BigInteger("5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72", 16),
                new ScalarSplitParameters(
                        new BigInteger[] {
                            new BigInteger("3086d221a7d46bcde86c90e49284eb15", 16),
                            new BigInteger("-e4437ed6010e88286f547fa90abfe4c3", 16)},
                        new BigInteger[] {
                            new BigInteger("114ca50f7a8e2f3f657c1108d9d44cfd8", 16),
                            new BigInteger("3086d221a7d46bcde86c90e49284eb15", 16)},
                        new BigInteger("3086d221a7d46bcde86c90e49284eb153dab", 16),
                        new BigInteger("e4437ed6010e88286f547fa90abfe4c42212", 16),
                        272));
        return curve.configure().setEndomorphism(new GLVTypeBEndomorphism(curve, glv)).create();
    }

    private static byte[] checkedCopy(byte[] secret32) {
        ElligatorSwift.requireLength(secret32, SECRET_LENGTH, "secret key");
        if (!isValidSecret(secret32)) {
            throw new IllegalArgumentException("secret key must be in 1..n-1 (n = secp256k1 group order)");
        }
        return secret32.clone();
    }

    private static boolean isValidSecret(byte[] secret32) {
        boolean zero = true;
        for (byte b : secret32) {
            zero &= b == 0;
        }
        return !zero && Arrays.compareUnsigned(secret32, ORDER) < 0;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("private key has been destroyed");
        }
    }

    private static SHA256Digest taggedHashPrefix(String tag) {
        byte[] tagBytes = tag.getBytes(StandardCharsets.US_ASCII);
        SHA256Digest d = new SHA256Digest();
        d.update(tagBytes, 0, tagBytes.length);
        byte[] tagHash = new byte[32];
        d.doFinal(tagHash, 0);
        d.update(tagHash, 0, 32);
        d.update(tagHash, 0, 32);
        return d;
    }

    /**
     * X-only scalar multiplication without a square root: instead of lifting x to a point (x, y) on y^2 = x^3 + 7,
     * which costs an exponentiation, use the point (x*g, g^2) with g = x^3 + 7. It lies on y^2 = x^3 + 7*g^3, which
     * is isomorphic to secp256k1 by (x, y) -> (g*x, g*sqrt(g)*y), so x(k * P) = x(k * P') / g. BouncyCastle's point
     * formulas for a = 0 never use b, so they compute on that curve unchanged; only its validating entry points
     * (decodePoint, multiply) are avoided, hence the GLV + wNAF loop here rather than {@code ECPoint.multiply}.
     *
     * <p>Not constant-time, like BouncyCastle's own GLV multiplier; see {@link GeneratorMultiplier} for why that is
     * acceptable for ephemeral keys.
     */
    private static final class XOnlyMultiplier {
        private static final GLVEndomorphism GLV = (GLVEndomorphism) CURVE.getEndomorphism();
        /** wNAF width for the two ~128-bit halves: 8 precomputed odd multiples per half. */
        private static final int WIDTH = 5;
        private static final ECFieldElement SEVEN = CURVE.getB();

        static Element multiply(Element x, byte[] secret) {
            ECFieldElement bx = CURVE.fromBigInteger(new BigInteger(1, x.toBytes()));
            ECFieldElement g = bx.square().multiply(bx).add(SEVEN);
            ECPoint p = CURVE.createPoint(bx.multiply(g).toBigInteger(), g.square().toBigInteger());

            BigInteger[] halves = GLV.decomposeScalar(new BigInteger(1, secret));
            byte[] naf1 = WNafUtil.generateWindowNaf(WIDTH, halves[0].abs());
            byte[] naf2 = WNafUtil.generateWindowNaf(WIDTH, halves[1].abs());
            try {
                ECPoint[] odd = oddMultiples(p);
                ECPoint[] oddPhi = new ECPoint[odd.length];
                ECPointMap phi = GLV.getPointMap();
                for (int i = 0; i < odd.length; i++) {
                    oddPhi[i] = phi.map(odd[i]);
                }
                boolean negate1 = halves[0].signum() < 0;
                boolean negate2 = halves[1].signum() < 0;
                ECPoint acc = CURVE.getInfinity();
                for (int i = Math.max(naf1.length, naf2.length) - 1; i >= 0; i--) {
                    acc = acc.twice();
                    acc = addDigit(acc, odd, i < naf1.length ? naf1[i] : 0, negate1);
                    acc = addDigit(acc, oddPhi, i < naf2.length ? naf2[i] : 0, negate2);
                }
                if (acc.isInfinity()) { // impossible: secret is in 1..n-1 and the group has prime order n
                    throw new IllegalStateException("ECDH result is the point at infinity");
                }
                // x = X / (Z^2 * g): undo the Jacobian scaling and the isomorphism with one inversion
                ECFieldElement z = acc.getZCoord(0);
                ECFieldElement xAffine = acc.getRawXCoord().multiply(z.square().multiply(g).invert());
                return Element.fromBytes(xAffine.getEncoded(), 0);
            } finally {
                Arrays.fill(naf1, (byte) 0);
                Arrays.fill(naf2, (byte) 0);
            }
        }

        /** P, 3P, 5P, ..., 15P, affine (one shared inversion) so that the main loop's additions are mixed. */
        private static ECPoint[] oddMultiples(ECPoint p) {
            ECPoint[] odd = new ECPoint[1 << (WIDTH - 2)];
            ECPoint twice = p.twice();
            odd[0] = p;
            for (int i = 1; i < odd.length; i++) {
                odd[i] = odd[i - 1].add(twice);
            }
            CURVE.normalizeAll(odd);
            return odd;
        }

        private static ECPoint addDigit(ECPoint acc, ECPoint[] odd, int digit, boolean negateAll) {
            if (digit == 0) {
                return acc;
            }
            ECPoint q = odd[(Math.abs(digit) - 1) >>> 1];
            return acc.add((digit < 0) != negateAll ? q.negate() : q);
        }
    }
}

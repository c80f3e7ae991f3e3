package org.bip324shaper.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.internal.crypto.Secp256k1;

/**
 * An ephemeral secp256k1 secret key with its ElligatorSwift-encoded public key: one side of a BIP-324 key exchange
 * ({@code ellswift_create}, {@code ellswift_ecdh_xonly} and {@code v2_ecdh}).
 *
 * <p>The secret is held as bytes so that {@link #destroy()} can wipe it; it becomes a {@code BigInteger} only for the
 * length of the ECDH's GLV split (BouncyCastle's {@code EndoUtil} takes no other form, and a {@code BigInteger} cannot
 * be wiped). Not safe for use concurrently with {@link #destroy()}.
 *
 * <p>The scalar multiplications ({@link Secp256k1}) run on fixed-width limbs, with no
 * precomputation at run time, so that the first handshake of a fresh JVM is cheap; they are not constant-time. BIP-324 keys are ephemeral: each secret is multiplied
 * once by G and once by the peer's point, which leaves a timing observer a single trace per secret. Do not reuse this
 * class for long-lived keys.
 */
public final class EllSwiftPrivateKey implements Destroyable {
    /** Length of a secret key. */
    public static final int SECRET_LENGTH = 32;

    /** The group order n, big-endian, for range checks without {@code BigInteger}. */
    private static final byte[] ORDER = Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    /** SHA256(tag) for the tagged hash with tag "bip324_ellswift_xonly_ecdh". */
    private static final byte[] SHARED_SECRET_TAG_HASH = Secp256k1.sha256().digest(
            "bip324_ellswift_xonly_ecdh".getBytes(StandardCharsets.US_ASCII));

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
        if (!Arrays.equals(publicX(secret), encoding.xBytes())) {
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
        return Secp256k1.xOnlyEcdh(theirs.xBytes(), secret);
    }

    /**
     * {@code v2_ecdh}: the BIP-324 shared secret, tagged SHA-256 ("bip324_ellswift_xonly_ecdh") of the initiator's
     * encoding, the responder's encoding and the X-only ECDH result. Both sides get the same 32 bytes.
     */
    public byte[] bip324SharedSecret(EllSwiftPublicKey theirs, boolean weAreInitiator) {
        byte[] xShared = xOnlyEcdh(theirs);
        int n = Secp256k1.ENCODING_LENGTH;
        byte[] message = new byte[2 * n + Secp256k1.FIELD_LENGTH];
        (weAreInitiator ? publicKey : theirs).writeTo(message, 0);
        (weAreInitiator ? theirs : publicKey).writeTo(message, n);
        System.arraycopy(xShared, 0, message, 2 * n, xShared.length);
        Arrays.fill(xShared, (byte) 0);
        MessageDigest digest = Secp256k1.sha256();
        digest.update(SHARED_SECRET_TAG_HASH);
        digest.update(SHARED_SECRET_TAG_HASH);
        digest.update(message);
        Arrays.fill(message, 2 * n, message.length, (byte) 0);
        return digest.digest();
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
        byte[] encoding = Secp256k1.ellSwiftEncode(publicX(secret), random);
        return new EllSwiftPrivateKey(secret, EllSwiftPublicKey.fromBytes(encoding));
    }

    /** X coordinate of secret * G. */
    private static byte[] publicX(byte[] secret) {
        return Secp256k1.publicX(secret);
    }

    private static byte[] checkedCopy(byte[] secret32) {
        Secp256k1.requireLength(secret32, SECRET_LENGTH, "secret key");
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
}

package org.bip324shaper.core.internal.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bip324shaper.core.internal.crypto.Secp256k1Field.Element;

/**
 * The curve operations the public key types ({@code org.bip324shaper.core.crypto}) are built on, on big-endian byte
 * strings, so that field elements and points stay inside this package.
 */
public final class Secp256k1 {
    /** Bytes of an ElligatorSwift encoding. */
    public static final int ENCODING_LENGTH = ElligatorSwift.ENCODING_LENGTH;
    /** Bytes of a field element (an X coordinate, an ECDH result). */
    public static final int FIELD_LENGTH = ElligatorSwift.FIELD_LENGTH;

    private Secp256k1() {
    }

    /** X coordinate of secret * G, 32 bytes. */
    public static byte[] publicX(byte[] secret32) {
        return GeneratorMultiplier.publicX(secret32).toBytes();
    }

    /** A uniformly random ElligatorSwift encoding of this X coordinate. */
    public static byte[] ellSwiftEncode(byte[] x32, SecureRandom random) {
        return ElligatorSwift.encode(x32, random);
    }

    /** The X coordinate a 64-byte ElligatorSwift encoding decodes to. */
    public static byte[] ellSwiftDecodeX(byte[] encoded64) {
        return ElligatorSwift.decodeX(encoded64).toBytes();
    }

    /** The X coordinate of secret * P, for either point P with this X coordinate. */
    public static byte[] xOnlyEcdh(byte[] x32, byte[] secret32) {
        return XOnlyEcdh.multiply(Element.fromBytes(x32, 0), secret32).toBytes();
    }

    /** A fresh SHA-256. */
    public static MessageDigest sha256() {
        return Hkdf.sha256();
    }

    /** @throws IllegalArgumentException naming {@code what} if {@code bytes} is not {@code expected} long */
    public static void requireLength(byte[] bytes, int expected, String what) {
        ElligatorSwift.requireLength(bytes, expected, what);
    }
}

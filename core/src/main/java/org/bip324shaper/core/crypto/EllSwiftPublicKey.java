package org.bip324shaper.core.crypto;

import java.util.Arrays;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.internal.crypto.Secp256k1;

/**
 * A secp256k1 public key in its 64-byte ElligatorSwift encoding, exactly as sent on the wire. Immutable.
 *
 * <p>Every 64-byte string is a valid encoding, so construction never fails on content. Two keys are equal when their
 * encodings are equal: different encodings of the same X coordinate are different keys here, because BIP-324 hashes
 * the encodings into the shared secret.
 */
public final class EllSwiftPublicKey {
    private final byte[] encoding;
    /** The decoded X coordinate, computed on first use; a benign race may decode it twice. */
    private volatile byte[] x;

    private EllSwiftPublicKey(byte[] encoding) {
        this.encoding = encoding;
    }

    /** The key encoded by these 64 bytes (copied). */
    public static EllSwiftPublicKey fromBytes(byte[] encoded64) {
        Secp256k1.requireLength(encoded64, Secp256k1.ENCODING_LENGTH, "ElligatorSwift public key");
        return new EllSwiftPublicKey(encoded64.clone());
    }

    /** The 64-byte encoding (a fresh copy). */
    public byte[] toBytes() {
        return encoding.clone();
    }

    /** The X coordinate this encoding decodes to, 32 bytes big-endian (a fresh copy). */
    public byte[] xCoordinate() {
        return xBytes().clone();
    }

    byte[] xBytes() {
        byte[] decoded = x;
        if (decoded == null) {
            decoded = Secp256k1.ellSwiftDecodeX(encoding);
            x = decoded;
        }
        return decoded;
    }

    /** Appends the 64-byte encoding to {@code out} at {@code offset}, without an intermediate copy. */
    void writeTo(byte[] out, int offset) {
        System.arraycopy(encoding, 0, out, offset, encoding.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EllSwiftPublicKey && Arrays.equals(encoding, ((EllSwiftPublicKey) o).encoding);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoding);
    }

    /** Only a short prefix: enough to tell keys apart in a log, not enough to fingerprint a session. */
    @Override
    public String toString() {
        return "EllSwiftPublicKey[" + Hex.encode(Arrays.copyOf(encoding, 4)) + "...]";
    }
}

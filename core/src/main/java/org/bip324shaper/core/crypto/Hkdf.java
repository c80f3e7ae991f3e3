package org.bip324shaper.core.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HKDF-SHA256 (RFC 5869), restricted to what BIP-324 needs: Extract, and Expand to exactly one hash length.
 *
 * <p>Built on BouncyCastle's HMAC-SHA256 rather than {@code HKDFBytesGenerator} so that every copy of the
 * pseudorandom key stays in arrays we own and can wipe: {@code HKDFParameters} clones the key into arrays nobody
 * can reach afterwards. With L = 32 = HashLen, Expand is a single HMAC block, {@code T(1) = HMAC(PRK, info || 0x01)}.
 * Not thread-safe; one instance per derivation.
 */
final class Hkdf {
    static final int HASH_LENGTH = 32;

    private final HMac hmac = new HMac(new SHA256Digest());

    /** PRK = HMAC-SHA256(salt, ikm). */
    byte[] extract(byte[] salt, byte[] ikm) {
        byte[] prk = new byte[HASH_LENGTH];
        keyed(salt);
        hmac.update(ikm, 0, ikm.length);
        hmac.doFinal(prk, 0);
        return prk;
    }

    /** Writes the first 32 bytes of HKDF-Expand(prk, info) to {@code out} at {@code outOff}. */
    void expand32(byte[] prk, byte[] info, byte[] out, int outOff) {
        keyed(prk);
        hmac.update(info, 0, info.length);
        hmac.update((byte) 1);
        hmac.doFinal(out, outOff);
    }

    /** Re-keys the HMAC with zeros so that its pads no longer derive from a secret. */
    void wipe() {
        keyed(new byte[HASH_LENGTH]);
    }

    private void keyed(byte[] key) {
        KeyParameter param = new KeyParameter(key);
        hmac.init(param);
        Arrays.fill(param.getKey(), (byte) 0); // KeyParameter hands out its own copy
    }
}

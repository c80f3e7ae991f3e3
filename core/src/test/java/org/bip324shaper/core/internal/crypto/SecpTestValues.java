package org.bip324shaper.core.internal.crypto;

import org.bip324shaper.core.Hex;

/** Test-only constants of secp256k1. */
final class SecpTestValues {
    /** The field prime p. */
    static final byte[] P_BYTES = Hex.decode("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
    /** The group order n. */
    static final byte[] N_BYTES = Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    private SecpTestValues() {
    }
}

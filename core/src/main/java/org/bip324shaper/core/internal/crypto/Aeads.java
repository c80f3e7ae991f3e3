package org.bip324shaper.core.internal.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import org.bip324shaper.core.crypto.AeadBackend;

/** Makes the ChaCha20-Poly1305 implementation an {@link AeadBackend} names. */
public final class Aeads {
    private Aeads() {
    }

    /** Whether this JDK's SunJCE has ChaCha20-Poly1305 (probed, not assumed from the version). */
    public static boolean jdkCipherAvailable() {
        try {
            Cipher.getInstance(JdkChaCha20Poly1305.ALGORITHM, JdkChaCha20Poly1305.PROVIDER);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A new, keyless instance of this backend. */
    static ChaCha20Poly1305Aead create(AeadBackend backend) {
        return backend == AeadBackend.JDK ? new JdkChaCha20Poly1305() : new BouncyCastleChaCha20Poly1305();
    }
}

package org.bip324shaper.core.crypto;

import java.util.Locale;

/**
 * Which ChaCha20-Poly1305 implementation encrypts packets. Both give identical bytes (both pass every BIP-324 vector);
 * they differ in speed, which depends on the JDK. {@link #preferred()} picks one once, at class initialisation.
 */
public enum AeadBackend {
    /** BouncyCastle's lightweight {@code ChaCha20Poly1305}: pure Java, the same speed on every JDK. */
    BOUNCY_CASTLE,
    /**
     * The JDK's {@code ChaCha20-Poly1305} cipher (SunJCE), vectorised by HotSpot intrinsics since JDK 20 (ChaCha20)
     * and 19 (Poly1305). Each message costs a {@code Cipher.init} of about 0.9 us.
     */
    JDK;

    /** System property that overrides the choice: {@code BOUNCY_CASTLE} or {@code JDK} (case-insensitive). */
    public static final String PROPERTY = "org.bip324shaper.aead";

    private static final AeadBackend PREFERRED = choose(System.getProperty(PROPERTY), jdkCipherAvailable());

    /**
     * The default backend, fixed at class initialisation: the {@value #PROPERTY} system property if set; otherwise
     * {@link #JDK} whenever SunJCE offers ChaCha20-Poly1305, else {@link #BOUNCY_CASTLE}.
     *
     * <p>Why {@link #JDK} on every version (bench/PacketCipherBenchmark, contents MB/s, encrypt/decrypt): on JDK 25,
     * whose AVX-512 intrinsics make it 6-9x faster from 4 KiB up (1 MiB: 2618/2125 vs 283/277); on JDK 17, pure Java
     * like BouncyCastle, it is still as fast or faster at 256 B and above (1 MiB: 281/254 vs 225/230), and BouncyCastle
     * decrypts slowly because it buffers ciphertext byte by byte. BouncyCastle wins only for tiny packets (32 B:
     * about 0.6 us vs 0.9 us per packet), where the JDK's per-message {@code Cipher.init} dominates.
     */
    public static AeadBackend preferred() {
        return PREFERRED;
    }

    /** The rule behind {@link #preferred()}, separate so that it can be tested. */
    static AeadBackend choose(String override, boolean jdkAvailable) {
        if (override != null && !override.isBlank()) {
            AeadBackend chosen;
            try {
                chosen = valueOf(override.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + " must be BOUNCY_CASTLE or JDK, not '" + override + "'");
            }
            if (chosen == JDK && !jdkAvailable) {
                throw new IllegalStateException(PROPERTY + "=JDK but this JDK has no SunJCE ChaCha20-Poly1305");
            }
            return chosen;
        }
        return jdkAvailable ? JDK : BOUNCY_CASTLE;
    }

    /** A new, keyless instance of this backend. */
    ChaCha20Poly1305Aead newAead() {
        return this == JDK ? new JdkChaCha20Poly1305() : new BouncyCastleChaCha20Poly1305();
    }

    private static boolean jdkCipherAvailable() {
        try {
            javax.crypto.Cipher.getInstance(JdkChaCha20Poly1305.ALGORITHM, JdkChaCha20Poly1305.PROVIDER);
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}

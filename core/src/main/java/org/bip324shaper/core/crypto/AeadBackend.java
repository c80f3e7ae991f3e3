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
     * The JDK's {@code ChaCha20-Poly1305} cipher (SunJCE), vectorised by HotSpot intrinsics on recent JDKs, for large
     * packets; packets up to 768 B (JDK 20+) or 4 KB (older JDKs) use the project's own RFC 8439 AEAD (its Poly1305,
     * with the keystream from the JDK's {@code ChaCha20} cipher on JDK 20+), which skips the JCE's per-packet
     * {@code Cipher.init}. See {@code JdkChaCha20Poly1305.SMALL_MAX} for the measurements behind the limits.
     */
    JDK;

    /** System property that overrides the choice: {@code BOUNCY_CASTLE} or {@code JDK} (case-insensitive). */
    public static final String PROPERTY = "org.bip324shaper.aead";

    private static final AeadBackend PREFERRED = chooseOrDefault(
            Runtime.version().feature(), System.getProperty(PROPERTY), jdkCipherAvailable());

    /**
     * The default backend: the {@value #PROPERTY} system property if set; otherwise {@link #JDK} whenever SunJCE has
     * the cipher, else {@link #BOUNCY_CASTLE}. Measured side by side with {@code bench/PacketCipherBenchmark}: on JDK 25
     * the JDK cipher (ChaCha20 and Poly1305 intrinsics) is about 9x BouncyCastle at 1 MiB and 1.5x at 256 B; on
     * JDK 17, where it is pure Java, it is still 1.1-1.3x BouncyCastle at 256 B..1 MiB (and level at 32 B).
     */
    public static AeadBackend preferred() {
        return PREFERRED;
    }

    /** The rule behind {@link #preferred()}, separate so that it can be tested. */
    static AeadBackend choose(int jdkFeature, String override, boolean jdkAvailable) {
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

    /**
     * {@link #choose}, but a bad override must not make this class unloadable (which would end every connection
     * with an ExceptionInInitializerError): it is reported once on stderr and the default applies.
     */
    static AeadBackend chooseOrDefault(int jdkFeature, String override, boolean jdkAvailable) {
        try {
            return choose(jdkFeature, override, jdkAvailable);
        } catch (IllegalArgumentException | IllegalStateException e) {
            AeadBackend fallback = choose(jdkFeature, null, jdkAvailable);
            System.err.println("[bip324] WARN  " + e.getMessage() + "; using " + fallback);
            return fallback;
        }
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

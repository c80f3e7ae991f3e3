package org.bip324shaper.core.crypto;

import java.util.Locale;
import org.bip324shaper.core.internal.crypto.Aeads;

/**
 * Which ChaCha20-Poly1305 implementation encrypts packets. Both give identical bytes (both pass every BIP-324 vector);
 * they differ in speed, which depends on the JDK. Core reads no configuration: {@link #preferred()} is the default,
 * and an application picks another explicitly ({@code ConnectionOptions.aead}, {@code ShapedEngine.Builder.aead});
 * the agent reads its {@code aead} option for that.
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

    /**
     * The default backend: {@link #JDK} whenever SunJCE has the cipher, else {@link #BOUNCY_CASTLE}. Measured side
     * by side with {@code bench/PacketCipherBenchmark}: on JDK 25 the JDK cipher (ChaCha20 and Poly1305 intrinsics)
     * is about 9x BouncyCastle at 1 MiB and 1.5x at 256 B; on JDK 17, where it is pure Java, it is still 1.1-1.3x
     * BouncyCastle at 256 B..1 MiB (and level at 32 B).
     */
    public static AeadBackend preferred() {
        return Availability.PREFERRED;
    }

    /** Whether this JDK can run this backend (BouncyCastle always can). */
    public boolean isAvailable() {
        return this == BOUNCY_CASTLE || Availability.JDK_CIPHER;
    }

    /** The configuration name: {@code jdk} or {@code bouncy-castle}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Reads {@code jdk} or {@code bouncy-castle} (case-insensitive; {@code _} for {@code -} too).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static AeadBackend parse(String text) {
        String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (AeadBackend backend : values()) {
            if (backend.name().equals(normalized)) {
                return backend;
            }
        }
        throw new IllegalArgumentException("AEAD backend must be jdk or bouncy-castle, not '" + text + "'");
    }

    /** The rule behind {@link #preferred()}, separate so that it can be tested. */
    static AeadBackend choose(boolean jdkAvailable) {
        return jdkAvailable ? JDK : BOUNCY_CASTLE;
    }

    /** Probed once, on first use. */
    private static final class Availability {
        static final boolean JDK_CIPHER = Aeads.jdkCipherAvailable();
        static final AeadBackend PREFERRED = choose(JDK_CIPHER);
    }
}

package org.bip324shaper.core.internal.crypto;

import java.security.SecureRandom;
import java.util.Random;

/** Test-only: a SecureRandom whose bytes come from a seeded java.util.Random, so failures reproduce. Not secure. */
final class SeededSecureRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Random source;

    SeededSecureRandom(long seed) {
        this.source = new Random(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
        source.nextBytes(bytes);
    }
}

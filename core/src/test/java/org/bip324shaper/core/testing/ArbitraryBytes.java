package org.bip324shaper.core.testing;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Byte arrays for jqwik properties. Large ones come from a length and a seed, so that they are cheap to generate and
 * shrink by length (jqwik's byte-array arbitrary fails while shrinking, with "argument type mismatch").
 */
public final class ArbitraryBytes {
    private ArbitraryBytes() {
    }

    /** Pseudo-random contents of {@code min..max} bytes. */
    public static Arbitrary<byte[]> sized(int min, int max) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.longs()).as((n, seed) -> {
            byte[] b = new byte[n];
            new SplittableRandom(seed).nextBytes(b);
            return b;
        });
    }

    /**
     * Chunk plans for {@link Chunks#split}: empty (one piece) or up to 8 piece sizes. Not a list of bytes: jqwik's
     * shrinking across parameters then mixes its elements with those of another list parameter.
     */
    public static Arbitrary<byte[]> plans() {
        return sized(0, 8);
    }
}

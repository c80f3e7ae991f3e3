package org.bip324shaper.core.shaping;

/**
 * Padmé, the padding function of the PURBs paper (Nikitin, Barman, Lueks, Underwood, Hubaux, Ford: "Reducing
 * Metadata Leakage from Encrypted Files and Communication with PURBs", PETS 2019). A length {@code L} with
 * {@code E = floor(log2 L)} and {@code S = floor(log2 E) + 1} is rounded up to a multiple of {@code 2^(E - S)}, so
 * a padded length keeps only about {@code S} significant bits: it leaks {@code O(log log L)} bits about {@code L}
 * instead of {@code O(log L)}.
 *
 * <p>Overhead: at most 11.63% (at {@code L = 129}), below 6.25% from 256 bytes and below 3.13% from 64 KiB.
 */
public final class Padme {

    private Padme() {
    }

    /**
     * The Padmé length of {@code length}: the smallest multiple of {@code 2^(E - S)} that is at least
     * {@code length}. Lengths below 8 are returned unchanged (there {@code E - S <= 0}).
     *
     * @throws IllegalArgumentException if {@code length} is negative or so large that padding would overflow
     */
    public static long pad(long length) {
        if (length < 0 || length > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("length must be in 0.." + Long.MAX_VALUE / 2 + ", was " + length);
        }
        if (length < 2) {
            return length;
        }
        int e = 63 - Long.numberOfLeadingZeros(length);
        int s = (31 - Integer.numberOfLeadingZeros(e)) + 1;
        int lastBits = e - s;
        if (lastBits <= 0) {
            return length;
        }
        long mask = (1L << lastBits) - 1;
        return (length + mask) & ~mask;
    }

    /** Whether {@code length} is a Padmé length, i.e. {@code pad(length) == length}. */
    public static boolean isPadded(long length) {
        return pad(length) == length;
    }

    /** The smallest Padmé length strictly greater than {@code length}. */
    public static long next(long length) {
        return pad(length + 1);
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Padmé against its definition in the PURBs paper, computed a second, independent way. */
class PadmeTest {

    /** The paper's definition with BigInteger arithmetic: round up to a multiple of 2^(E - S). */
    private static long reference(long length) {
        if (length < 2) {
            return length;
        }
        int e = BigInteger.valueOf(length).bitLength() - 1;
        int s = BigInteger.valueOf(e).bitLength(); // floor(log2 E) + 1
        int lastBits = Math.max(0, e - s);
        BigInteger step = BigInteger.ONE.shiftLeft(lastBits);
        BigInteger[] qr = BigInteger.valueOf(length).divideAndRemainder(step);
        BigInteger rounded = qr[1].signum() == 0 ? BigInteger.valueOf(length)
                : qr[0].add(BigInteger.ONE).multiply(step);
        return rounded.longValueExact();
    }

    @Test
    void matchesTheDefinitionForEveryLengthUpTo4Mebibytes() {
        for (long length = 0; length <= 1 << 22; length++) {
            long padded = Padme.pad(length);
            if (padded != reference(length)) {
                assertEquals(reference(length), padded, "Padme(" + length + ")");
            }
        }
        for (long length = 1L << 22; length < 1L << 40; length = length * 3 + 7) {
            assertEquals(reference(length), Padme.pad(length), "Padme(" + length + ")");
        }
    }

    @Test
    void handComputedValues() {
        assertEquals(7, Padme.pad(7));
        assertEquals(10, Padme.pad(9)); // E=3, S=2: multiples of 2
        assertEquals(144, Padme.pad(129)); // E=7, S=3: multiples of 16
        assertEquals(1024, Padme.pad(1000)); // E=9, S=4: multiples of 32
        assertEquals(62 * 65_536, Padme.pad(4_000_033)); // E=21, S=5: multiples of 65,536
        assertEquals(128, Padme.next(127));
        assertEquals(144, Padme.next(128));
        assertTrue(Padme.isPadded(144));
        assertTrue(!Padme.isPadded(129));
    }

    @Test
    void isIdempotentMonotoneAndBoundedInOverhead() {
        long previous = 0;
        double worst = 0;
        long worstAt = 0;
        for (long length = 1; length <= 1 << 22; length++) {
            long padded = Padme.pad(length);
            assertTrue(padded >= length && padded >= previous);
            if (Padme.pad(padded) != padded) {
                assertEquals(padded, Padme.pad(padded), "Padme is idempotent at " + length);
            }
            double overhead = (double) (padded - length) / length;
            if (overhead > worst) {
                worst = overhead;
                worstAt = length;
            }
            if (length >= 256) {
                assertTrue(overhead < 0.0625, "below 6.25% from 256 bytes, at " + length);
            }
            if (length >= 65_536) {
                assertTrue(overhead < 0.03125, "below 3.125% from 64 KiB, at " + length);
            }
            previous = padded;
        }
        assertEquals(129, worstAt);
        assertEquals(15.0 / 129, worst, 1e-12);
    }

    @Test
    void leaksFewBitsPerPowerOfTwo() {
        // Within [2^E, 2^(E+1)) there are at most 2^S distinct padded lengths: O(log log L) bits.
        for (int e = 3; e <= 22; e++) {
            Set<Long> distinct = new HashSet<>();
            for (long length = 1L << e; length < 1L << (e + 1); length++) {
                distinct.add(Padme.pad(length));
            }
            int s = 32 - Integer.numberOfLeadingZeros(e);
            assertTrue(distinct.size() <= (1 << s) + 1, distinct.size() + " sizes for E=" + e);
        }
    }

    @Test
    void rejectsNegativeAndHugeLengths() {
        assertThrows(IllegalArgumentException.class, () -> Padme.pad(-1));
        assertThrows(IllegalArgumentException.class, () -> Padme.pad(Long.MAX_VALUE));
    }
}

package org.bip324shaper.bench.shape.attack;

/**
 * How attackers discretise what they observe. All bins are ordinal (a larger value never gets a smaller bin), so a
 * value unseen in training can fall back to the nearest bin that was seen.
 */
public final class Bins {
    /** Marks "no such neighbour" (no previous write, no write of the other direction yet). */
    public static final int ABSENT = -1;

    private static final int EXACT_UP_TO = 512;
    /** Bits kept above {@link #EXACT_UP_TO}: 2^6 = 64 bins per octave, about 1.5% resolution. */
    private static final int KEPT_BITS = 7;

    private Bins() {
    }

    /**
     * The size bin of a write: the exact byte count up to 512 (where one byte tells types apart, e.g. a 103-byte
     * headers from a 104-byte write), then 64 bins per octave (a 17 KB addrv2 and a 1 MB block keep their shape).
     */
    public static int size(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size is >= 0, got " + bytes);
        }
        if (bytes <= EXACT_UP_TO) {
            return (int) bytes;
        }
        int shift = 64 - Long.numberOfLeadingZeros(bytes) - KEPT_BITS;
        long floored = (bytes >> shift) << shift;
        return (int) Math.min(Integer.MAX_VALUE, floored);
    }

    /** {@code floor(perOctave * log2(1 + value))}: coarse log bins for counts, byte totals and gaps. */
    public static int log2(double value, int perOctave) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException("a binned value is >= 0, got " + value);
        }
        if (perOctave < 1) {
            throw new IllegalArgumentException("need at least one bin per octave, got " + perOctave);
        }
        return (int) Math.floor(perOctave * Math.log1p(value) / Math.log(2));
    }

    /** A time gap in log2 milliseconds, two bins per octave: 1 ms and 1 h are both a few bins away from 1 s. */
    public static int gap(long nanos) {
        return log2(Math.max(0, nanos) / 1e6, 2);
    }
}

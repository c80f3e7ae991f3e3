package org.bip324shaper.core.shaping;

/**
 * The write sizes a bucketing strategy sends: {@code floor}, then every {@link Padme} length above it. A write that
 * must carry {@code w} wire bytes is sent as the smallest bucket {@code b >= w} whose gap {@code b - w} is 0 or at
 * least {@value ShapingLimits#PACKET_OVERHEAD} bytes: a gap of 1..19 bytes cannot be filled (the smallest decoy
 * costs 20 wire bytes), so it is bumped to the next bucket instead.
 *
 * <p>Cost: {@code sizeFor(w) <= max(floor, Padme(w + 20))}, so at most {@code floor - w} bytes for small writes and
 * about 11.6% + 22 bytes for large ones (see {@link Padme}).
 *
 * @param floor the smallest write size, 0..{@value #MAX_FLOOR}; 0 gives pure Padmé buckets
 */
public record SizeBuckets(int floor) {

    /** Floors above 1 MiB would make every write a bulk transfer. */
    public static final int MAX_FLOOR = 1 << 20;

    /** Pure Padmé: no floor. */
    public static final SizeBuckets PADME = new SizeBuckets(0);

    public SizeBuckets {
        if (floor < 0 || floor > MAX_FLOOR) {
            throw new IllegalArgumentException("bucket floor must be in 0.." + MAX_FLOOR + " wire bytes, was " + floor);
        }
    }

    /**
     * The wire size to send a write of {@code wireBytes} bytes as: a bucket whose gap to {@code wireBytes} decoys can
     * fill exactly.
     */
    public long sizeFor(long wireBytes) {
        if (wireBytes < 0) {
            throw new IllegalArgumentException("write size must not be negative, was " + wireBytes);
        }
        long size = Math.max(floor, Padme.pad(wireBytes));
        while (!WireFill.isFillable(size - wireBytes)) {
            size = Padme.next(size);
        }
        return size;
    }

    /** Whether {@code size} is one of this strategy's write sizes. */
    public boolean isBucket(long size) {
        return size == floor || (size > floor && Padme.isPadded(size));
    }

    @Override
    public String toString() {
        return "floor=" + floor;
    }
}

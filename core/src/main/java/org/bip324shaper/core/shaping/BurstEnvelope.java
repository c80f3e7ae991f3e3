package org.bip324shaper.core.shaping;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;

/**
 * How a large write is wrapped: a front decoy of random size before the genuine packets, padding of the whole write
 * to a {@link SizeBuckets} size, and a random cut into a few writes. Writes below {@code threshold} wire bytes are
 * only bucketed.
 *
 * <p>Why: the exact size of a large message (a block, a compact block, a long headers list) can be matched against
 * public chain data; Padmé leaves a few bits of it, and the front decoy moves the write across neighbouring buckets
 * so even those bits are blurred. Cuts change what a per-write observer sees; note that a TCP observer sees a
 * back-to-back burst as one stream of full segments whatever the cuts, so they matter less than padding.
 *
 * <p>Cost per large write of {@code w} wire bytes: the front decoy ({@code 20 + maxFrontDecoy / 2} bytes on average,
 * at most {@code 20 + maxFrontDecoy}) plus the bucket padding (at most about 11.6% + 22 bytes, below 6.25% + 22 from
 * 256 bytes). Cuts cost nothing.
 *
 * @param threshold     writes of at least this many genuine wire bytes get the envelope, 1..{@code Integer.MAX_VALUE}
 *                      ({@code Integer.MAX_VALUE}: never)
 * @param maxFrontDecoy largest front decoy contents length, 0..{@value #MAX_FRONT_DECOY}; 0 for no front decoy
 * @param maxChunks     a large write is cut into 1..maxChunks writes (uniform), each at least {@value #MIN_CHUNK}
 *                      bytes; 1..{@value #MAX_CHUNKS}
 */
public record BurstEnvelope(int threshold, int maxFrontDecoy, int maxChunks) {

    /** No envelope: large writes are bucketed like any other. */
    public static final BurstEnvelope NONE = new BurstEnvelope(Integer.MAX_VALUE, 0, 1);

    /** Bounds the front decoy: it is paid on every large write. */
    public static final int MAX_FRONT_DECOY = 1 << 20;

    /** More pieces add segments, not cover. */
    public static final int MAX_CHUNKS = 16;

    /** The smallest piece a cut leaves, so no piece is smaller than a lone decoy would be. */
    public static final int MIN_CHUNK = 512;

    public BurstEnvelope {
        if (threshold < 1) {
            throw new IllegalArgumentException("burst threshold must be at least 1 wire byte, was " + threshold);
        }
        if (maxFrontDecoy < 0 || maxFrontDecoy > MAX_FRONT_DECOY) {
            throw new IllegalArgumentException("max front decoy must be in 0.." + MAX_FRONT_DECOY + " bytes, was "
                    + maxFrontDecoy);
        }
        if (maxChunks < 1 || maxChunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("max chunks must be in 1.." + MAX_CHUNKS + ", was " + maxChunks);
        }
    }

    /**
     * Releases every genuine packet {@code out} holds in one write padded to {@code buckets}, wrapped in this
     * envelope if it is large.
     */
    void release(Flush.Builder out, SizeBuckets buckets, RandomGenerator random) {
        long genuine = out.heldWireBytes();
        long start = out.wireBytes();
        long front = 0;
        if (genuine >= threshold && maxFrontDecoy > 0) {
            int contents = random.nextInt(maxFrontDecoy + 1);
            out.decoy(contents);
            front = contents + (long) ProtocolLimits.PACKET_OVERHEAD;
        }
        while (out.heldGenuine() > 0) {
            out.genuine();
        }
        long used = front + genuine;
        long size = buckets.sizeFor(used);
        WireFill.fill(out, size - used);
        if (genuine >= threshold) {
            cut(out, start, size, random);
        }
    }

    /** Cuts {@code size} bytes starting at {@code start} into 1..maxChunks pieces of at least {@link #MIN_CHUNK}. */
    private void cut(Flush.Builder out, long start, long size, RandomGenerator random) {
        int pieces = (int) Math.min(1 + random.nextInt(maxChunks), Math.max(1, size / MIN_CHUNK));
        if (pieces == 1) {
            return;
        }
        // Each piece gets MIN_CHUNK, and the spare bytes are split at pieces - 1 uniform points (stars and bars).
        long spare = size - (long) pieces * MIN_CHUNK;
        long[] points = new long[pieces - 1];
        for (int i = 0; i < points.length; i++) {
            points[i] = random.nextLong(spare + 1);
        }
        Arrays.sort(points);
        for (int i = 0; i < points.length; i++) {
            out.cutAt(start + (long) (i + 1) * MIN_CHUNK + points[i]);
        }
    }

    @Override
    public String toString() {
        return "threshold=" + threshold + ",front=" + maxFrontDecoy + ",chunks=" + maxChunks;
    }
}

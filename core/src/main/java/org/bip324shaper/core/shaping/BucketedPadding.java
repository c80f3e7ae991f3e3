package org.bip324shaper.core.shaping;

import java.util.Objects;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Pads every write, at once, to a {@link SizeBuckets} size: {@code max(floor, Padme(w))} wire bytes, bumped to the
 * next bucket when the gap could not be filled. Large writes may also get a {@link BurstEnvelope}. Releases each
 * genuine packet immediately, so it adds no latency and no ticks; it hides sizes, not timing.
 *
 * <p>Budget: per write of {@code w} wire bytes at most {@code max(floor, Padme(w + 20)) - w} padding bytes, plus
 * the envelope's front decoy on large writes. There is no cost without genuine traffic. With a floor of 128 the
 * common small messages (ping, pong, inv and getdata of one item, headers of one header, sendcmpct, feefilter) all
 * become 128-byte writes, about 70 padding bytes each.
 *
 * @param buckets  the write sizes
 * @param envelope how large writes are wrapped ({@link BurstEnvelope#NONE}: only bucketed)
 */
public record BucketedPadding(SizeBuckets buckets, BurstEnvelope envelope) implements PaddingStrategy {

    public BucketedPadding {
        Objects.requireNonNull(buckets, "buckets");
        Objects.requireNonNull(envelope, "envelope");
    }

    /** Plain bucketing: writes padded to {@code max(floor, Padme(w))}. */
    public BucketedPadding(int floor) {
        this(new SizeBuckets(floor), BurstEnvelope.NONE);
    }

    /** The most padding bytes a write of {@code wireBytes} bytes gets, front decoy included. */
    public long maxPaddingBytes(long wireBytes) {
        long front = wireBytes >= envelope.threshold() && envelope.maxFrontDecoy() > 0
                ? envelope.maxFrontDecoy() + (long) ProtocolLimits.PACKET_OVERHEAD : 0;
        return Math.max(buckets.floor(), Padme.pad(wireBytes + front + ProtocolLimits.PACKET_OVERHEAD)) - wireBytes;
    }

    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        Objects.requireNonNull(random, "random");
        return (contentsLength, now, out) -> envelope.release(out, buckets, random);
    }

    /** The configuration string {@link ShapingStrategies#parse} reads back. */
    @Override
    public String toString() {
        return envelope.equals(BurstEnvelope.NONE) ? "bucketed:" + buckets : "burst:" + buckets + "," + envelope;
    }
}

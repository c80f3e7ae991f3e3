package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Hides small messages in a steady stream of fixed-size writes. Small genuine packets are held and released on the
 * next tick; ticks come at uniformly random gaps of {@code minGap..maxDelay}, whether or not anything is held, and
 * every tick writes exactly one of the {@code writeSizes}: the smallest that fits what is held, filled with a
 * decoy (a decoy alone when nothing is held). An observer sees the same renewal process of the same few sizes
 * whatever the application does, so pings, inv trickles and the getdata after a block announcement vanish into it.
 *
 * <p>Packets that would not fit the largest size together with what is held are not delayed: everything held is
 * released at once in one write padded to a Padmé bucket no smaller than the largest size (and wrapped in
 * {@code envelope} if large). Their timing stays visible; their size only to Padmé precision.
 *
 * <p>Latency: a held packet waits at most until the next tick, so never longer than {@code maxDelay} (measured on
 * the shaper's clock, assuming the driver ticks on time).
 *
 * <p>Budget: ticks per day ({@code 86,400 s / mean gap}, mean gap {@code (minGap + maxDelay) / 2}) times the write
 * size. Idle, each tick costs the smallest size: {@link #idleBytesPerDay()}, e.g. 4.6 MB/day for 80-byte writes
 * every 1.5 s on average (RANDOM decoys cost about 69 MB/day). Hard cap on tick decoys:
 * {@link #maxTickDecoyBytesPerDay()} ({@code 86,400 s / minGap} ticks of at most the largest size). Writes that
 * bypass the ticks add only their bucket padding (and envelope).
 *
 * @param writeSizes the wire sizes of tick writes, strictly increasing, 1..{@value #MAX_WRITE_SIZES} of them, each
 *                   in {@value ShapingLimits#PACKET_OVERHEAD}..{@value #MAX_WRITE_SIZE}; the largest is the queue's
 *                   capacity
 * @param minGap     shortest time between ticks, at least {@link #MIN_GAP}
 * @param maxDelay   longest time between ticks, hence the longest a packet is held; minGap..{@link #MAX_DELAY}
 * @param envelope   how writes that bypass the ticks are wrapped if large
 * @param coverSize  0 for none; else one of {@code writeSizes}: a tick that would be smaller is written at this size
 *                   with probability {@code coverProbability}, so that a tick carrying a message of that size (a
 *                   wallet's payment) is one of many such ticks rather than the only one
 * @param coverProbability 0..1; 0 when {@code coverSize} is 0
 */
public record TickerPadding(List<Integer> writeSizes, Duration minGap, Duration maxDelay, BurstEnvelope envelope,
                            int coverSize, double coverProbability)
        implements PaddingStrategy {

    /** At most this many sizes: each one is a class an observer can tell apart. */
    public static final int MAX_WRITE_SIZES = 8;

    /** Tick writes are small by design; bigger traffic bypasses them. */
    public static final int MAX_WRITE_SIZE = 65_536;

    /** Shorter gaps would keep a driver thread busy for little added cover. */
    public static final Duration MIN_GAP = Duration.ofMillis(1);

    /** Holding messages longer than this would disturb the protocol (pings time out after 20 minutes). */
    public static final Duration MAX_DELAY = Duration.ofMinutes(1);

    private static final double NANOS_PER_DAY = Duration.ofDays(1).toNanos();

    public TickerPadding {
        writeSizes = List.copyOf(writeSizes);
        Objects.requireNonNull(minGap, "minGap");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(envelope, "envelope");
        if (writeSizes.isEmpty() || writeSizes.size() > MAX_WRITE_SIZES) {
            throw new IllegalArgumentException("ticker needs 1.." + MAX_WRITE_SIZES + " write sizes, got "
                    + writeSizes.size());
        }
        int previous = ProtocolLimits.PACKET_OVERHEAD - 1;
        for (int size : writeSizes) {
            if (size < ProtocolLimits.PACKET_OVERHEAD || size > MAX_WRITE_SIZE) {
                throw new IllegalArgumentException("ticker write size must be in " + ProtocolLimits.PACKET_OVERHEAD
                        + ".." + MAX_WRITE_SIZE + " wire bytes, was " + size);
            }
            if (size <= previous) {
                throw new IllegalArgumentException("ticker write sizes must be strictly increasing, got "
                        + writeSizes);
            }
            previous = size;
        }
        if (minGap.compareTo(MIN_GAP) < 0) {
            throw new IllegalArgumentException("ticker min gap must be at least " + MIN_GAP + ", was " + minGap);
        }
        if (maxDelay.compareTo(minGap) < 0 || maxDelay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("ticker max delay must be in min gap (" + minGap + ").." + MAX_DELAY
                    + ", was " + maxDelay);
        }
        if (coverSize != 0 && !writeSizes.contains(coverSize)) {
            throw new IllegalArgumentException("ticker cover size must be one of the write sizes " + writeSizes
                    + ", was " + coverSize);
        }
        if (!(coverProbability >= 0 && coverProbability <= 1) || (coverSize == 0 && coverProbability != 0)) {
            throw new IllegalArgumentException("ticker cover probability must be in 0..1 (0 without a cover size),"
                    + " was " + coverProbability);
        }
    }

    /** Ticker without cover ticks. */
    public TickerPadding(List<Integer> writeSizes, Duration minGap, Duration maxDelay, BurstEnvelope envelope) {
        this(writeSizes, minGap, maxDelay, envelope, 0, 0);
    }

    /** Ticker with plain Padmé for the writes that bypass the ticks. */
    public TickerPadding(List<Integer> writeSizes, Duration minGap, Duration maxDelay) {
        this(writeSizes, minGap, maxDelay, BurstEnvelope.NONE);
    }

    /** The largest tick write: more held bytes than fit here go out at once. */
    public int capacity() {
        return writeSizes.get(writeSizes.size() - 1);
    }

    /** Mean time between ticks. */
    public Duration meanGap() {
        return minGap.plus(maxDelay).dividedBy(2);
    }

    /** Expected bytes per day with no genuine traffic at all: the smallest size, or the cover size when drawn. */
    public double idleBytesPerDay() {
        double perTick = writeSizes.get(0) + (coverSize > writeSizes.get(0)
                ? coverProbability * (coverSize - writeSizes.get(0)) : 0);
        return NANOS_PER_DAY / meanGap().toNanos() * perTick;
    }

    /** Hard cap on the decoy bytes of tick writes per day: every tick at {@code minGap}, a full-capacity decoy. */
    public double maxTickDecoyBytesPerDay() {
        return NANOS_PER_DAY / minGap.toNanos() * capacity();
    }

    /**
     * The tick write size for {@code heldWireBytes} held bytes: the smallest size whose gap is 0 or fillable, or -1
     * if none is.
     */
    int writeSizeFor(long heldWireBytes) {
        for (int size : writeSizes) {
            if (size >= heldWireBytes && WireFill.isFillable(size - heldWireBytes)) {
                return size;
            }
        }
        return -1;
    }

    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        return new Session(this, Objects.requireNonNull(random, "random"), nowNanos);
    }

    /** The configuration string {@link ShapingStrategies#parse} reads back. */
    @Override
    public String toString() {
        String sizes = writeSizes.stream().map(String::valueOf).collect(Collectors.joining("/"));
        String s = "ticker:sizes=" + sizes + ",min=" + ConfigText.duration(minGap) + ",max="
                + ConfigText.duration(maxDelay);
        if (coverSize != 0) {
            s += ",cover=" + coverSize + "@" + ConfigText.number(coverProbability);
        }
        return envelope.equals(BurstEnvelope.NONE) ? s : s + "," + envelope;
    }

    private static final class Session implements ShapingSession {
        private final TickerPadding config;
        private final RandomGenerator random;
        private final SizeBuckets bypassBuckets;
        private final long minGapNanos;
        private final long maxDelayNanos;
        private long deadline;

        Session(TickerPadding config, RandomGenerator random, long nowNanos) {
            this.config = config;
            this.random = random;
            this.bypassBuckets = new SizeBuckets(config.capacity());
            this.minGapNanos = config.minGap.toNanos();
            this.maxDelayNanos = config.maxDelay.toNanos();
            this.deadline = nowNanos + nextGap();
        }

        @Override
        public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            if (config.writeSizeFor(out.heldWireBytes()) < 0) {
                config.envelope.release(out, bypassBuckets, random);
            }
            // else: held until the next tick, which is at most maxDelay away
        }

        @Override
        public void onTick(long nowNanos, Flush.Builder out) {
            long held = out.heldWireBytes();
            int size = config.writeSizeFor(held);
            if (size < 0) {
                // Cannot happen: onGenuine never holds more than fits. Release rather than hold past maxDelay.
                config.envelope.release(out, bypassBuckets, random);
            } else {
                while (out.heldGenuine() > 0) {
                    out.genuine();
                }
                if (size < config.coverSize && WireFill.isFillable(config.coverSize - held)
                        && random.nextDouble() < config.coverProbability) {
                    size = config.coverSize;
                }
                WireFill.fill(out, size - held);
            }
            deadline = nowNanos + nextGap();
        }

        /** Looks like a tick write when what is held fits one; else like a bypass. The schedule stays. */
        @Override
        public void onRelease(long nowNanos, Flush.Builder out) {
            long held = out.heldWireBytes();
            int size = config.writeSizeFor(held);
            if (size < 0) {
                config.envelope.release(out, bypassBuckets, random);
                return;
            }
            while (out.heldGenuine() > 0) {
                out.genuine();
            }
            WireFill.fill(out, size - held);
        }

        @Override
        public long nextDeadlineNanos() {
            return deadline;
        }

        private long nextGap() {
            return random.nextLong(minGapNanos, maxDelayNanos + 1);
        }
    }
}

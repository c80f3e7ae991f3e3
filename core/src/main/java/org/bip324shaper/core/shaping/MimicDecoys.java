package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Pseudo-bursts that copy this connection's own block-relay bursts, on a Poisson schedule, so that an observer
 * counting bursts in our direction cannot tell a block arrival from an episode of decoys.
 *
 * <p>Learning, online: activity in either direction (inbound reads, outbound writes that carry genuine packets)
 * forms an episode, which ends after {@code quietGap} without activity (or after {@link #MAX_EPISODE}). An episode
 * of at least {@code minEpisodeBytes} wire bytes in both directions together (a block, a compact block, a headers
 * batch; not a ping) is remembered as a shape: its outbound writes of at least {@code minWriteBytes}, each with its
 * offset from the episode's start and its sizes exactly as shaped and cut by the padding strategy (reported through
 * {@link ShapingSession#onOutbound}), truncated to {@code maxEpisodeBytes}. The last {@value #REMEMBERED_SHAPES}
 * shapes are kept; before any was seen, {@code defaultShape} is used.
 *
 * <p>Replaying: episodes start at exponential gaps (rate {@code episodesPerHour}); each replays a remembered shape,
 * chosen uniformly, with its offsets stretched by one random factor in [0.8, 1.25], every write a decoy of exactly
 * the remembered size (and cuts), in a write of its own.
 *
 * <p>Budget: expected {@code episodesPerHour x 24 x} mean shape bytes per day (see {@link #expectedBytesPerDay}).
 * Hard cap: a token bucket of {@code maxBytesPerHour} bytes, refilled continuously, pays for every episode (an
 * episode it cannot pay for is skipped), so any span of {@code h} hours carries at most
 * {@code maxBytesPerHour x (h + 1)} mimic bytes: {@link #maxBytesPerDay()}.
 *
 * <p>What it cannot do: it only writes our direction. With an unmodified peer, the peer's direction still shows the
 * real block (a large inbound burst) and never shows one for a pseudo-burst.
 *
 * @param episodesPerHour mean episode rate, {@value #MIN_RATE}..{@value #MAX_RATE} per hour
 * @param quietGap        silence that ends an episode, 1 ms..{@link #MAX_EPISODE}
 * @param minEpisodeBytes an episode this big (both directions) is block-like and gets learned
 * @param minWriteBytes   outbound flushes smaller than this are not copied (e.g. writes a ticker already hides)
 * @param maxEpisodeBytes largest shape replayed, {@value ShapingLimits#PACKET_OVERHEAD}..{@value #MAX_EPISODE_BYTES}
 * @param maxBytesPerHour the token bucket's size and hourly refill, at least {@code maxEpisodeBytes}
 * @param defaultShape    the shape used until one is learned, at most {@code maxEpisodeBytes}
 */
public record MimicDecoys(double episodesPerHour, Duration quietGap, long minEpisodeBytes, long minWriteBytes,
                          long maxEpisodeBytes, long maxBytesPerHour, List<Step> defaultShape)
        implements DecoyStrategy {

    public static final double MIN_RATE = 0.01;
    public static final double MAX_RATE = 3600;
    /** Longest episode: activity that goes on longer is cut into several episodes. */
    public static final Duration MAX_EPISODE = Duration.ofMinutes(1);
    /** Largest shape: a full block served to the peer is not worth copying. */
    public static final long MAX_EPISODE_BYTES = 16L << 20;
    /** Remembered shapes: recent ones follow the connection's current behaviour. */
    public static final int REMEMBERED_SHAPES = 8;
    /** Writes remembered per shape, bounding memory. */
    public static final int MAX_STEPS = 256;

    /** A getdata answering a block announcement, padded to a 128-byte floor: the smallest plausible block episode. */
    public static final List<Step> SMALL_DEFAULT_SHAPE = List.of(new Step(Duration.ZERO, List.of(128)));

    private static final long NANOS_PER_HOUR = Duration.ofHours(1).toNanos();

    public MimicDecoys {
        Objects.requireNonNull(quietGap, "quietGap");
        defaultShape = List.copyOf(defaultShape);
        if (!(episodesPerHour >= MIN_RATE && episodesPerHour <= MAX_RATE)) {
            throw new IllegalArgumentException("mimic rate must be in " + MIN_RATE + ".." + MAX_RATE
                    + " episodes per hour, was " + episodesPerHour);
        }
        if (quietGap.compareTo(Duration.ofMillis(1)) < 0 || quietGap.compareTo(MAX_EPISODE) > 0) {
            throw new IllegalArgumentException("mimic quiet gap must be in 1ms.." + MAX_EPISODE + ", was " + quietGap);
        }
        if (minEpisodeBytes < 0 || minWriteBytes < 0) {
            throw new IllegalArgumentException("mimic min episode and min write bytes must not be negative");
        }
        if (maxEpisodeBytes < ProtocolLimits.PACKET_OVERHEAD || maxEpisodeBytes > MAX_EPISODE_BYTES) {
            throw new IllegalArgumentException("mimic max episode bytes must be in " + ProtocolLimits.PACKET_OVERHEAD
                    + ".." + MAX_EPISODE_BYTES + ", was " + maxEpisodeBytes);
        }
        if (maxBytesPerHour < maxEpisodeBytes) {
            throw new IllegalArgumentException("mimic max bytes per hour (" + maxBytesPerHour
                    + ") must be at least max episode bytes (" + maxEpisodeBytes + ")");
        }
        if (defaultShape.isEmpty()) {
            throw new IllegalArgumentException("mimic default shape must have at least one write");
        }
        if (bytes(defaultShape) > maxEpisodeBytes) {
            throw new IllegalArgumentException("mimic default shape has " + bytes(defaultShape)
                    + " bytes, more than max episode bytes " + maxEpisodeBytes);
        }
    }

    /**
     * Expected decoy bytes per day if the average replayed shape has {@code meanShapeBytes} bytes, before the hard
     * cap ({@link #maxBytesPerDay()}) bites.
     */
    public double expectedBytesPerDay(double meanShapeBytes) {
        return Math.min(episodesPerHour * 24 * meanShapeBytes, maxBytesPerDay());
    }

    /** Hard cap on the decoy bytes of any 24-hour span: the token bucket's full start plus a day of refill. */
    public long maxBytesPerDay() {
        return maxBytesPerHour * 25;
    }

    @Override
    public ShapingSession newSession(RandomGenerator random, long nowNanos) {
        return new Session(this, Objects.requireNonNull(random, "random"), nowNanos);
    }

    /** The configuration string {@link ShapingStrategies#parse} reads back. */
    @Override
    public String toString() {
        return "mimic:rate=" + ConfigText.number(episodesPerHour) + "/h,quiet="
                + ConfigText.duration(quietGap) + ",min-episode=" + minEpisodeBytes + ",min-write="
                + minWriteBytes + ",max-episode=" + maxEpisodeBytes + ",max-per-hour=" + maxBytesPerHour
                + ",default=" + defaultShape.stream().map(Step::toString).collect(Collectors.joining("|"));
    }

    static long bytes(List<Step> shape) {
        long sum = 0;
        for (Step step : shape) {
            sum += step.wireBytes();
        }
        return sum;
    }

    /**
     * One flush of a shape: at {@code offset} from the episode's start, writes of {@code writeLengths} wire bytes
     * back to back.
     *
     * @param offset       from the episode's start, 0..{@link #MAX_EPISODE}
     * @param writeLengths sizes of the writes, each at least 1, together at least
     *                     {@value ShapingLimits#PACKET_OVERHEAD} (the smallest decoy)
     */
    public record Step(Duration offset, List<Integer> writeLengths) {
        public Step {
            Objects.requireNonNull(offset, "offset");
            writeLengths = List.copyOf(writeLengths);
            if (offset.isNegative() || offset.compareTo(MAX_EPISODE) > 0) {
                throw new IllegalArgumentException("step offset must be in 0.." + MAX_EPISODE + ", was " + offset);
            }
            if (writeLengths.isEmpty()) {
                throw new IllegalArgumentException("a step has at least one write");
            }
            long sum = 0;
            for (int length : writeLengths) {
                if (length < 1) {
                    throw new IllegalArgumentException("a write has at least 1 byte, was " + length);
                }
                sum += length;
            }
            if (sum < ProtocolLimits.PACKET_OVERHEAD || sum > MAX_EPISODE_BYTES) {
                throw new IllegalArgumentException("a step must have " + ProtocolLimits.PACKET_OVERHEAD + ".."
                        + MAX_EPISODE_BYTES + " wire bytes, had " + sum);
            }
        }

        public long wireBytes() {
            long sum = 0;
            for (int length : writeLengths) {
                sum += length;
            }
            return sum;
        }

        /** {@code 1024/512@100ms}: write sizes, then the offset. */
        @Override
        public String toString() {
            return writeLengths.stream().map(String::valueOf).collect(Collectors.joining("/")) + "@"
                    + ConfigText.duration(offset);
        }
    }

    /** A decoy flush due at {@code timeNanos}. */
    private record Pending(long timeNanos, List<Integer> writeLengths) {
    }

    /** Activity being observed: when it started and last moved, its bytes, and its outbound flushes. */
    private static final class Episode {
        final long start;
        long last;
        long bytes;
        final List<Step> steps = new ArrayList<>();

        Episode(long start) {
            this.start = start;
            this.last = start;
        }
    }

    private static final class Session implements ShapingSession {
        private final MimicDecoys config;
        private final RandomGenerator random;
        private final long quietNanos;
        private final long maxEpisodeNanos = MAX_EPISODE.toNanos();
        private final List<List<Step>> learned = new ArrayList<>();
        private final PriorityQueue<Pending> pending =
                new PriorityQueue<>(Comparator.comparingLong(Pending::timeNanos));
        private Episode episode;
        private int oldestLearned;
        private long nextEpisode;
        private double tokens;
        private long tokensAt;

        Session(MimicDecoys config, RandomGenerator random, long nowNanos) {
            this.config = config;
            this.random = random;
            this.quietNanos = config.quietGap.toNanos();
            this.tokens = config.maxBytesPerHour;
            this.tokensAt = nowNanos;
            this.nextEpisode = nowNanos + exponentialGap();
        }

        @Override
        public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            // learns from onOutbound, which sees the write as shaped rather than the bare packet
        }

        @Override
        public void onInbound(int wireBytes, long nowNanos) {
            observe(nowNanos).bytes += wireBytes;
        }

        @Override
        public void onOutbound(List<Integer> writeLengths, int genuinePackets, long nowNanos) {
            if (genuinePackets == 0) {
                return; // the padding strategy's own idle writes (ticks) are not activity
            }
            Episode current = observe(nowNanos);
            long sum = 0;
            for (int length : writeLengths) {
                sum += length;
            }
            current.bytes += sum;
            if (sum >= config.minWriteBytes && sum >= ProtocolLimits.PACKET_OVERHEAD && sum <= config.maxEpisodeBytes
                    && current.steps.size() < MAX_STEPS) {
                long offset = Math.max(0, nowNanos - current.start); // a clock that steps back must not break us
                current.steps.add(new Step(Duration.ofNanos(offset), writeLengths));
            }
        }

        @Override
        public void onTick(long nowNanos, Flush.Builder out) {
            if (episode != null && nowNanos - episode.last > quietNanos) {
                closeEpisode();
            }
            if (nowNanos >= nextEpisode) {
                startEpisode(nowNanos);
                nextEpisode = nowNanos + exponentialGap();
            }
            while (!pending.isEmpty() && pending.peek().timeNanos() <= nowNanos) {
                emit(pending.poll().writeLengths(), out);
            }
        }

        @Override
        public long nextDeadlineNanos() {
            return pending.isEmpty() ? nextEpisode : Math.min(nextEpisode, pending.peek().timeNanos());
        }

        private Episode observe(long nowNanos) {
            if (episode != null && (nowNanos - episode.last > quietNanos
                    || nowNanos - episode.start > maxEpisodeNanos)) {
                closeEpisode();
            }
            if (episode == null) {
                episode = new Episode(nowNanos);
            }
            episode.last = nowNanos;
            return episode;
        }

        private void closeEpisode() {
            Episode done = episode;
            episode = null;
            if (done.bytes < config.minEpisodeBytes || done.steps.isEmpty()) {
                return;
            }
            List<Step> shape = new ArrayList<>();
            long sum = 0;
            for (Step step : done.steps) {
                sum += step.wireBytes();
                if (sum > config.maxEpisodeBytes) {
                    break;
                }
                shape.add(step);
            }
            if (shape.isEmpty()) {
                return;
            }
            if (learned.size() < REMEMBERED_SHAPES) {
                learned.add(List.copyOf(shape));
            } else {
                learned.set(oldestLearned, List.copyOf(shape));
                oldestLearned = (oldestLearned + 1) % REMEMBERED_SHAPES;
            }
        }

        private void startEpisode(long nowNanos) {
            List<Step> shape = learned.isEmpty() ? config.defaultShape : learned.get(random.nextInt(learned.size()));
            long cost = bytes(shape);
            tokens = Math.min(config.maxBytesPerHour,
                    tokens + (double) (nowNanos - tokensAt) * config.maxBytesPerHour / NANOS_PER_HOUR);
            tokensAt = nowNanos;
            if (tokens < cost) {
                return; // over budget: skip this episode
            }
            tokens -= cost;
            double stretch = random.nextDouble(0.8, 1.25);
            for (Step step : shape) {
                pending.add(new Pending(nowNanos + Math.round(step.offset().toNanos() * stretch),
                        step.writeLengths()));
            }
        }

        /** One remembered flush as decoys, in writes of its own, cut where the original was. */
        private static void emit(List<Integer> writeLengths, Flush.Builder out) {
            out.endWrite();
            long start = out.wireBytes();
            long total = 0;
            for (int length : writeLengths) {
                total += length;
            }
            WireFill.fill(out, total);
            long cut = start;
            for (int i = 0; i < writeLengths.size() - 1; i++) {
                cut += writeLengths.get(i);
                out.cutAt(cut);
            }
        }

        private long exponentialGap() {
            double meanNanos = NANOS_PER_HOUR / config.episodesPerHour;
            return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanNanos));
        }
    }
}

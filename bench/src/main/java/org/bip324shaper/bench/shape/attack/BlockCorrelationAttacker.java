package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * A4, BitSniff-style: given public block timestamps, decides whether a stretch of a connection of length T follows
 * the real block schedule or a decoy one.
 *
 * <p>Each trace is cut into non-overlapping segments of length T (a last partial segment is dropped). A segment's
 * activity is the {@link BlockWindowModel} score of each of its windows (trained on the training traces). Against a
 * schedule, the segment scores z = (mean activity of the windows holding a scheduled block - mean activity) /
 * (sd of activity / sqrt(blocks)): large when the connection is busy exactly when blocks came; 0 when the activity
 * is flat. Positives: each segment against the true schedule (block events of the trace's ground truth,
 * {@link BlockEventRule}); segments without a true block are left out, since nothing can be correlated there.
 * Negatives: each such segment against {@code decoys} decoy schedules, the true one shifted circularly over the
 * trace by a uniform offset at least {@code minShift} from either end (a schedule with the same statistics that is
 * not this chain's), redrawn when it has no block in the segment, so both classes have at least one block. Assumes the attacker knows block times to within the window (public) and
 * that the connection relays blocks.
 */
public final class BlockCorrelationAttacker implements Attacker {
    /** Decoy schedules with no block in the segment are redrawn, at most this many times per decoy. */
    private static final int MAX_DRAWS_PER_DECOY = 10;

    private final Duration segment;
    private final Duration window;
    private final Duration minShift;
    private final int decoys;
    private final BlockEventRule rule;
    private final double targetFpr;
    private final long seed;

    /** Segments of {@code segment}; 10 s windows, 20 decoys per segment shifted by at least 5 min, 1% FPR. */
    public BlockCorrelationAttacker(Duration segment, long seed) {
        this(segment, Duration.ofSeconds(10), Duration.ofMinutes(5), 20, BlockEventRule.DEFAULT, 0.01, seed);
    }

    public BlockCorrelationAttacker(Duration segment, Duration window, Duration minShift, int decoys,
            BlockEventRule rule, double targetFpr, long seed) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be > 0, got " + window);
        }
        if (segment == null || segment.compareTo(window) < 0) {
            throw new IllegalArgumentException("segment must be at least one window, got " + segment);
        }
        if (minShift == null || minShift.isNegative()) {
            throw new IllegalArgumentException("minShift must be >= 0, got " + minShift);
        }
        if (decoys < 1) {
            throw new IllegalArgumentException("need at least one decoy schedule per segment, got " + decoys);
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("target FPR must be in (0, 1), got " + targetFpr);
        }
        this.segment = segment;
        this.window = window;
        this.minShift = minShift;
        this.decoys = decoys;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.targetFpr = targetFpr;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "A4-block-correlation-" + segment.toMinutes() + "m";
    }

    @Override
    public DetectionResult evaluate(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        Checks.requireSplit(train, test, direction);
        BlockWindowModel model = BlockWindowModel.train(train, direction, window.toNanos(), rule);
        SplittableRandom random = new SplittableRandom(seed);
        DetectionResult.Scores trainScores = scores(model, train, random.split());
        DetectionResult.Scores testScores = scores(model, test, random.split());
        return DetectionResult.of(name(), direction, targetFpr, trainScores, testScores,
                segment.toMinutes() + " min segments vs the true block schedule (positive) or " + decoys
                        + " shifted schedules each (negative)");
    }

    private DetectionResult.Scores scores(BlockWindowModel model, List<ConnectionTrace> traces,
            SplittableRandom random) {
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        long width = window.toNanos();
        long length = segment.toNanos();
        long shift = minShift.toNanos();
        for (ConnectionTrace trace : traces) {
            double[] activity = model.scores(trace);
            long duration = trace.durationNanos();
            long[] events = rule.eventTimes(trace);
            if (events.length == 0 || duration - 2 * shift <= 0) {
                continue;
            }
            for (long start = 0; start + length <= duration; start += length) {
                int first = (int) (start / width);
                int end = (int) Math.min(activity.length, (start + length) / width);
                double truth = correlation(activity, first, end, events, width);
                if (Double.isNaN(truth)) {
                    continue;
                }
                pos.add(truth);
                int drawn = 0;
                for (int attempt = 0; attempt < MAX_DRAWS_PER_DECOY * decoys && drawn < decoys; attempt++) {
                    long offset = shift + (long) (random.nextDouble() * (duration - 2 * shift));
                    double decoy = correlation(activity, first, end, shifted(events, offset, duration), width);
                    if (!Double.isNaN(decoy)) {
                        neg.add(decoy);
                        drawn++;
                    }
                }
            }
        }
        return DetectionResult.Scores.of(pos, neg);
    }

    /** The events moved by {@code offset}, wrapped around {@code duration}, sorted. */
    static long[] shifted(long[] events, long offset, long duration) {
        long[] out = new long[events.length];
        for (int i = 0; i < events.length; i++) {
            out[i] = (events[i] + offset) % duration;
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * The z statistic of the activity in windows [first, end) at the scheduled events; NaN if no event falls in the
     * segment, 0 if the activity is flat there.
     */
    static double correlation(double[] activity, int first, int end, long[] events, long width) {
        boolean[] marked = new boolean[end - first];
        int k = 0;
        for (long t : events) {
            int w = (int) (t / width);
            if (w >= first && w < end && !marked[w - first]) {
                marked[w - first] = true;
                k++;
            }
        }
        if (k == 0) {
            return Double.NaN;
        }
        double sum = 0;
        double marked0 = 0;
        for (int w = first; w < end; w++) {
            sum += activity[w];
            if (marked[w - first]) {
                marked0 += activity[w];
            }
        }
        int n = end - first;
        double mean = sum / n;
        double var = 0;
        for (int w = first; w < end; w++) {
            var += (activity[w] - mean) * (activity[w] - mean);
        }
        double sd = Math.sqrt(var / n);
        if (sd <= 1e-9 * (1 + Math.abs(mean))) {
            return 0;
        }
        return (marked0 / k - mean) / (sd / Math.sqrt(k));
    }
}

package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A5: finds the 120 s ping lattice, i.e. predicts which short windows hold a ping or pong, from sizes and periodicity.
 *
 * <p>Training learns, per write size bin, the chance e that a write carries a ping/pong ({@link WriteLabeler} labels;
 * one pseudo-count at the overall rate p0; unseen sizes take the nearest seen size). Each write at time t is then
 * scored by whether the lattice through t is populated: log(e(t) + eps) plus, for each k in
 * +-1..{@code periodsEachSide}, log(largest e among the writes within t + k * period +- {@code jitter} + eps), with
 * eps = p0 / 100. The logs make it an AND over periods: one empty lattice point costs much more than a busy one
 * gains, which is what separates a lattice from a busy connection. Bitcoin Core re-arms its ping timer when a ping
 * goes out, so each period runs up to {@code driftPerPeriod} long; point k may lie up to |k| * drift later (k > 0) or
 * earlier (k < 0). Lattice points outside the trace are skipped and the sum rescaled to a full set. A window scores
 * as its best write (the lowest possible score if it has none). Positives: 1 s windows holding a ping/pong message
 * of the attacked direction (ground truth); negatives: the others, except the window on either side of a positive.
 * Assumes the period is known (Bitcoin Core's constant) and pings recur over the {@code 2 * periodsEachSide + 1}
 * periods of context.
 */
public final class PingLatticeAttacker implements Attacker {
    /** The message types of the lattice. */
    public static final Set<String> PING_TYPES = Set.of("ping", "pong");
    /** Windows beside a ping window are not negatives: the ping's write may sit on the edge. */
    private static final int GUARD = 1;

    private final WriteLabeler labeler;
    private final Duration window;
    private final Duration period;
    private final int periodsEachSide;
    private final Duration jitter;
    private final Duration driftPerPeriod;
    private final double targetFpr;

    /** 1 s windows, 120 s period, 7 periods each side, 100 ms jitter, 100 ms drift per period, 1% FPR. */
    public PingLatticeAttacker(WriteLabeler labeler) {
        this(labeler, Duration.ofSeconds(1), Duration.ofSeconds(120), 7, Duration.ofMillis(100),
                Duration.ofMillis(100), 0.01);
    }

    public PingLatticeAttacker(WriteLabeler labeler, Duration window, Duration period, int periodsEachSide,
            Duration jitter, Duration driftPerPeriod, double targetFpr) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be > 0, got " + window);
        }
        if (period == null || period.compareTo(window) <= 0) {
            throw new IllegalArgumentException("period must be longer than a window, got " + period);
        }
        if (periodsEachSide < 1) {
            throw new IllegalArgumentException("need periodsEachSide >= 1, got " + periodsEachSide);
        }
        if (jitter == null || jitter.isNegative() || driftPerPeriod == null || driftPerPeriod.isNegative()) {
            throw new IllegalArgumentException("jitter and drift must be >= 0, got " + jitter + ", " + driftPerPeriod);
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("target FPR must be in (0, 1), got " + targetFpr);
        }
        this.labeler = Objects.requireNonNull(labeler, "labeler");
        this.window = window;
        this.period = period;
        this.periodsEachSide = periodsEachSide;
        this.jitter = jitter;
        this.driftPerPeriod = driftPerPeriod;
        this.targetFpr = targetFpr;
    }

    @Override
    public String name() {
        return "A5-ping-lattice";
    }

    @Override
    public DetectionResult evaluate(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        Checks.requireSplit(train, test, direction);
        SizeWeights weights = SizeWeights.train(train, direction, labeler);
        return DetectionResult.of(name(), direction, targetFpr, labelledScores(train, direction, weights),
                labelledScores(test, direction, weights),
                window.toMillis() + " ms windows with a ping/pong vs without, lattice of " + period.toSeconds()
                        + " s over " + periodsEachSide + " periods each side");
    }

    private DetectionResult.Scores labelledScores(List<ConnectionTrace> traces, Direction direction,
            SizeWeights weights) {
        long width = window.toNanos();
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (ConnectionTrace trace : traces) {
            double[] s = scores(trace, direction, weights);
            long[] pings = trace.messages(direction).stream()
                    .filter(m -> PING_TYPES.contains(m.type()))
                    .mapToLong(GenuineMessage::timeNanos).toArray();
            int[] labels = Windows.labels(s.length, width, pings, GUARD);
            for (int w = 0; w < s.length; w++) {
                if (labels[w] == 1) {
                    pos.add(s[w]);
                } else if (labels[w] == 0) {
                    neg.add(s[w]);
                }
            }
        }
        return DetectionResult.Scores.of(pos, neg);
    }

    /** The lattice score of every window of {@code trace}. */
    double[] scores(ConnectionTrace trace, Direction direction, SizeWeights weights) {
        List<WireWrite> writes = trace.writes(direction);
        int n = writes.size();
        long[] times = new long[n];
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = writes.get(i).timeNanos();
            e[i] = weights.of(writes.get(i).bytes());
        }
        double eps = weights.baseRate() / 100;
        long end = trace.durationNanos();
        long p = period.toNanos();
        long j = jitter.toNanos();
        long d = driftPerPeriod.toNanos();
        double[] s = new double[Windows.count(trace, window.toNanos())];
        double floor = (2 * periodsEachSide + 1) * Math.log(eps);
        Arrays.fill(s, floor);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int terms = 0;
            for (int k = -periodsEachSide; k <= periodsEachSide; k++) {
                if (k == 0) {
                    continue;
                }
                long centre = times[i] + k * p;
                long lo = centre - j - (k < 0 ? -k * d : 0);
                long hi = centre + j + (k > 0 ? k * d : 0);
                if (hi < 0 || lo > end) {
                    continue;
                }
                sum += Math.log(largest(times, e, lo, hi) + eps);
                terms++;
            }
            double score = Math.log(e[i] + eps) + (terms == 0 ? 0 : sum * (2.0 * periodsEachSide) / terms);
            int w = (int) (times[i] / window.toNanos());
            s[w] = Math.max(s[w], score);
        }
        return s;
    }

    /** The largest e of the writes with time in [lo, hi], 0 if none. */
    private static double largest(long[] times, double[] e, long lo, long hi) {
        int i = Arrays.binarySearch(times, lo);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && times[i - 1] == lo) {
                i--;
            }
        }
        double best = 0;
        for (; i < times.length && times[i] <= hi; i++) {
            best = Math.max(best, e[i]);
        }
        return best;
    }

    /** Per size bin, the chance that a write of that size carries a ping or pong. */
    static final class SizeWeights {
        private final TreeMap<Integer, Double> byBin;
        private final double baseRate;

        private SizeWeights(TreeMap<Integer, Double> byBin, double baseRate) {
            this.byBin = byBin;
            this.baseRate = baseRate;
        }

        /** The share of training writes that carried a ping/pong. */
        double baseRate() {
            return baseRate;
        }

        static SizeWeights train(List<ConnectionTrace> train, Direction direction, WriteLabeler labeler) {
            TreeMap<Integer, long[]> counts = new TreeMap<>();
            long pings = 0;
            long all = 0;
            for (ConnectionTrace trace : train) {
                for (LabeledWrite lw : labeler.align(trace, direction).writes()) {
                    boolean ping = lw.messages().stream().anyMatch(m -> PING_TYPES.contains(m.type()));
                    long[] c = counts.computeIfAbsent(Bins.size(lw.write().bytes()), b -> new long[2]);
                    c[0]++;
                    all++;
                    if (ping) {
                        c[1]++;
                        pings++;
                    }
                }
            }
            if (pings == 0) {
                throw new IllegalArgumentException("the training traces have no " + direction.code()
                        + " write carrying a ping or pong");
            }
            double rate = (double) pings / all;
            TreeMap<Integer, Double> byBin = new TreeMap<>();
            for (Map.Entry<Integer, long[]> e : counts.entrySet()) {
                byBin.put(e.getKey(), (e.getValue()[1] + rate) / (e.getValue()[0] + 1.0));
            }
            return new SizeWeights(byBin, rate);
        }

        double of(int bytes) {
            int bin = Bins.size(bytes);
            Map.Entry<Integer, Double> below = byBin.floorEntry(bin);
            Map.Entry<Integer, Double> above = byBin.ceilingEntry(bin);
            if (below == null) {
                return above.getValue();
            }
            if (above == null || bin - below.getKey() <= above.getKey() - bin) {
                return below.getValue();
            }
            return above.getValue();
        }
    }
}

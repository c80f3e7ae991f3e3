package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * Scores each window of a trace by how much it looks like a block arrival: the log-odds of a naive Bayes model over
 * the window's write count, byte total, largest write, its neighbours' byte totals, and which write sizes it holds,
 * learned from the training traces' windows labelled by a {@link BlockEventRule}. Shared by A3 and A4.
 */
final class BlockWindowModel {
    static final String BLOCK = "block";
    static final String QUIET = "quiet";
    /** Windows beside a block window are neither positive nor negative: a burst may straddle the boundary. */
    static final int GUARD = 1;
    private static final double ALPHA = 0.5;
    private static final int FEATURES = 5;

    private final NaiveBayes model;
    private final Direction direction;
    private final long widthNanos;

    private BlockWindowModel(NaiveBayes model, Direction direction, long widthNanos) {
        this.model = model;
        this.direction = direction;
        this.widthNanos = widthNanos;
    }

    /**
     * @throws IllegalArgumentException if the training traces hold no block event, or no quiet window
     */
    static BlockWindowModel train(List<ConnectionTrace> train, Direction direction, long widthNanos,
            BlockEventRule rule) {
        NaiveBayes.Builder builder = new NaiveBayes.Builder(FEATURES);
        int blocks = 0;
        int quiet = 0;
        for (ConnectionTrace trace : train) {
            Windows windows = Windows.of(trace, direction, widthNanos);
            int[] labels = Windows.labels(windows.size(), widthNanos, rule.eventTimes(trace), GUARD);
            for (int w = 0; w < windows.size(); w++) {
                if (labels[w] == 1) {
                    builder.add(BLOCK, features(windows, w), windows.sizeBins().get(w));
                    blocks++;
                } else if (labels[w] == 0) {
                    builder.add(QUIET, features(windows, w), windows.sizeBins().get(w));
                    quiet++;
                }
            }
        }
        if (blocks == 0 || quiet == 0) {
            throw new IllegalArgumentException("the training traces need block events and quiet windows, got "
                    + blocks + " block and " + quiet + " quiet windows");
        }
        return new BlockWindowModel(builder.build(ALPHA), direction, widthNanos);
    }

    long widthNanos() {
        return widthNanos;
    }

    /** The block score of every window of {@code trace}. */
    double[] scores(ConnectionTrace trace) {
        Windows windows = Windows.of(trace, direction, widthNanos);
        double[] s = new double[windows.size()];
        for (int w = 0; w < s.length; w++) {
            s[w] = model.logOdds(BLOCK, QUIET, features(windows, w), windows.sizeBins().get(w));
        }
        return s;
    }

    /** Scores of the block (positive) and quiet (negative) windows of {@code traces}, guard windows left out. */
    DetectionResult.Scores labelledScores(List<ConnectionTrace> traces, BlockEventRule rule) {
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (ConnectionTrace trace : traces) {
            double[] s = scores(trace);
            int[] labels = Windows.labels(s.length, widthNanos, rule.eventTimes(trace), GUARD);
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

    private static int[] features(Windows windows, int w) {
        int last = windows.size() - 1;
        return new int[] {
            Bins.log2(windows.counts()[w], 2),
            Bins.log2(windows.bytes()[w], 2),
            Bins.log2(windows.largest()[w], 2),
            w == 0 ? Bins.ABSENT : Bins.log2(windows.bytes()[w - 1], 2),
            w == last ? Bins.ABSENT : Bins.log2(windows.bytes()[w + 1], 2),
        };
    }
}

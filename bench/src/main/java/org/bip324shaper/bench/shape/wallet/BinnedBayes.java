package org.bip324shaper.bench.shape.wallet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two-class naive Bayes over small non-negative integer features (bins), Laplace-smoothed: the score of a sample is
 * the log-likelihood ratio positive : negative plus the log prior ratio. Enough for ranking (ROC) and for a
 * 0-threshold decision; it learns what one training set shows and can fail on another.
 */
final class BinnedBayes {
    private final int features;
    private final Map<Long, int[]> counts = new HashMap<>();
    private final int[] totals = new int[2];

    BinnedBayes(int features) {
        this.features = features;
    }

    void add(int[] x, boolean positive) {
        if (x.length != features) {
            throw new IllegalArgumentException("expected " + features + " features, got " + x.length);
        }
        int c = positive ? 1 : 0;
        totals[c]++;
        for (int f = 0; f < features; f++) {
            counts.computeIfAbsent(key(f, x[f]), k -> new int[2])[c]++;
        }
    }

    void addAll(List<int[]> xs, boolean positive) {
        for (int[] x : xs) {
            add(x, positive);
        }
    }

    /** log P(x | +) P(+) - log P(x | -) P(-); 0 when a class was never seen. */
    double score(int[] x) {
        if (totals[0] == 0 || totals[1] == 0) {
            throw new IllegalStateException("naive Bayes needs both classes in training");
        }
        double s = Math.log(totals[1]) - Math.log(totals[0]);
        for (int f = 0; f < features; f++) {
            int[] c = counts.getOrDefault(key(f, x[f]), new int[2]);
            // Laplace with an unknown number of bins: alpha over (total + 2 alpha).
            s += Math.log((c[1] + 0.5) / (totals[1] + 1.0)) - Math.log((c[0] + 0.5) / (totals[0] + 1.0));
        }
        return s;
    }

    private static long key(int feature, int bin) {
        return ((long) feature << 32) | (bin & 0xffffffffL);
    }
}

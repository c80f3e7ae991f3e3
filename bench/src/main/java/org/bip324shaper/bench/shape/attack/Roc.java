package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ROC curve of a binary detector whose higher scores mean "more likely positive".
 *
 * <p>Equal scores form one step, so the curve goes diagonally through a tie: a detector that gives every sample the
 * same score has the chance diagonal (AUC 0.5, TPR = FPR), not a lucky corner. {@link #tprAtFpr(double)} reads the
 * curve by linear interpolation, which a randomised threshold achieves, so chance is TPR = FPR there too.
 */
public final class Roc {
    private final double[] fpr;
    private final double[] tpr;
    private final int positives;
    private final int negatives;

    private Roc(double[] fpr, double[] tpr, int positives, int negatives) {
        this.fpr = fpr;
        this.tpr = tpr;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * @throws IllegalArgumentException if either side is empty or a score is NaN
     */
    public static Roc of(double[] positiveScores, double[] negativeScores) {
        int p = positiveScores.length;
        int n = negativeScores.length;
        if (p == 0 || n == 0) {
            throw new IllegalArgumentException("a ROC needs positives and negatives, got " + p + " and " + n);
        }
        double[][] all = new double[p + n][];
        for (int i = 0; i < p; i++) {
            all[i] = new double[] {checked(positiveScores[i]), 1};
        }
        for (int i = 0; i < n; i++) {
            all[p + i] = new double[] {checked(negativeScores[i]), 0};
        }
        Arrays.sort(all, (a, b) -> Double.compare(b[0], a[0]));
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i][1] == 1) {
                tp++;
            } else {
                fp++;
            }
            boolean endOfTie = i + 1 == all.length || all[i + 1][0] != all[i][0];
            if (endOfTie) {
                points.add(new double[] {(double) fp / n, (double) tp / p});
            }
        }
        double[] f = new double[points.size()];
        double[] t = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            f[i] = points.get(i)[0];
            t[i] = points.get(i)[1];
        }
        return new Roc(f, t, p, n);
    }

    private static double checked(double score) {
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("a score is NaN");
        }
        return score;
    }

    /** Area under the curve (trapezoids): the chance that a random positive outscores a random negative, ties half. */
    public double auc() {
        double area = 0;
        for (int i = 1; i < fpr.length; i++) {
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        return area;
    }

    /** The best true-positive rate with a false-positive rate of {@code maxFpr}, interpolated between thresholds. */
    public double tprAtFpr(double maxFpr) {
        if (!(maxFpr >= 0 && maxFpr <= 1)) {
            throw new IllegalArgumentException("a false-positive rate is in [0, 1], got " + maxFpr);
        }
        int i = 0;
        while (i + 1 < fpr.length && fpr[i + 1] <= maxFpr) {
            i++;
        }
        if (fpr[i] == maxFpr || i + 1 == fpr.length) {
            return tpr[i];
        }
        double slope = (tpr[i + 1] - tpr[i]) / (fpr[i + 1] - fpr[i]);
        return tpr[i] + (maxFpr - fpr[i]) * slope;
    }

    public int positives() {
        return positives;
    }

    public int negatives() {
        return negatives;
    }

    /** The curve's corner points as {fpr, tpr} pairs from (0, 0) to (1, 1). */
    public List<double[]> points() {
        List<double[]> out = new ArrayList<>(fpr.length);
        for (int i = 0; i < fpr.length; i++) {
            out.add(new double[] {fpr[i], tpr[i]});
        }
        return out;
    }

    /**
     * The threshold a detector trained on {@code negativeScores} uses to flag at most {@code maxFpr} of them: flag a
     * sample when its score is strictly above the returned value. Ties at the threshold are not flagged, so the
     * training FPR never exceeds {@code maxFpr}.
     */
    public static double thresholdForFpr(double[] negativeScores, double maxFpr) {
        if (negativeScores.length == 0) {
            throw new IllegalArgumentException("no negative scores to set a threshold on");
        }
        if (!(maxFpr >= 0 && maxFpr < 1)) {
            throw new IllegalArgumentException("a false-positive rate for a threshold is in [0, 1), got " + maxFpr);
        }
        double[] sorted = negativeScores.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(maxFpr * sorted.length);
        return sorted[sorted.length - 1 - allowed];
    }

    /** How many scores are strictly above {@code threshold}. */
    public static int countAbove(double[] scores, double threshold) {
        int k = 0;
        for (double s : scores) {
            if (s > threshold) {
                k++;
            }
        }
        return k;
    }
}

package org.bip324shaper.bench.shape.attack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Scores for a multi-class prediction: accuracy, macro-F1, the majority class. */
public final class ClassificationMetrics {
    private ClassificationMetrics() {
    }

    /** Fraction of positions where {@code predicted} equals {@code truth}. */
    public static double accuracy(List<String> truth, List<String> predicted) {
        checkPaired(truth, predicted);
        return (double) correct(truth, predicted) / truth.size();
    }

    /** How many positions agree. */
    public static int correct(List<String> truth, List<String> predicted) {
        checkPaired(truth, predicted);
        int k = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (truth.get(i).equals(predicted.get(i))) {
                k++;
            }
        }
        return k;
    }

    /**
     * The unweighted mean of per-class F1 = 2TP / (2TP + FP + FN) over every class that occurs in {@code truth} or in
     * {@code predicted} (as scikit-learn does): predicting a class that never occurs costs a zero F1, and a rare class
     * weighs as much as a common one, so always answering the majority class scores low.
     */
    public static double macroF1(List<String> truth, List<String> predicted) {
        checkPaired(truth, predicted);
        Map<String, int[]> tpFpFn = new TreeMap<>();
        for (int i = 0; i < truth.size(); i++) {
            String t = truth.get(i);
            String p = predicted.get(i);
            if (t.equals(p)) {
                tpFpFn.computeIfAbsent(t, k -> new int[3])[0]++;
            } else {
                tpFpFn.computeIfAbsent(p, k -> new int[3])[1]++;
                tpFpFn.computeIfAbsent(t, k -> new int[3])[2]++;
            }
        }
        double sum = 0;
        for (int[] c : tpFpFn.values()) {
            sum += 2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]);
        }
        return sum / tpFpFn.size();
    }

    /** The most frequent label; ties go to the alphabetically first, so the answer is deterministic. */
    public static String majority(List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("no labels");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String label : labels) {
            counts.merge(label, 1, Integer::sum);
        }
        String best = null;
        for (String label : new TreeSet<>(counts.keySet())) {
            if (best == null || counts.get(label) > counts.get(best)) {
                best = label;
            }
        }
        return best;
    }

    private static void checkPaired(List<String> truth, List<String> predicted) {
        if (truth.size() != predicted.size()) {
            throw new IllegalArgumentException(
                    "truth and prediction differ in length: " + truth.size() + " vs " + predicted.size());
        }
        if (truth.isEmpty()) {
            throw new IllegalArgumentException("nothing to score");
        }
    }
}

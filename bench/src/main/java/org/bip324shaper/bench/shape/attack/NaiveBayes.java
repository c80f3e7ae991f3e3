package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A naive Bayes classifier over ordinal categorical features plus optional "token present" (Bernoulli) features,
 * with additive (Laplace / Lidstone) smoothing {@code alpha}.
 *
 * <p>A categorical value never seen in training takes the nearest seen value of that feature (the lower one on a
 * tie): features here are ordinal bins of sizes, counts and gaps, so "nearest size seen" beats "unknown". Tokens never
 * seen in training are ignored. Deterministic: classes are kept in alphabetical order.
 */
final class NaiveBayes {
    private final List<String> classes;
    private final double[] logPrior;
    private final int[] classCounts;
    private final List<TreeMap<Integer, int[]>> featureCounts;
    private final double alpha;
    /** Per token: per class, log P(present | c) - log P(absent | c). */
    private final Map<Integer, double[]> tokenDelta;
    /** Per class: sum over all training tokens of log P(absent | c). */
    private final double[] absentSum;

    private NaiveBayes(Builder b, double alpha) {
        this.alpha = alpha;
        this.classes = List.copyOf(new TreeSet<>(b.labels));
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            index.put(classes.get(c), c);
        }
        int k = classes.size();
        classCounts = new int[k];
        featureCounts = new ArrayList<>();
        for (int f = 0; f < b.featureCount; f++) {
            featureCounts.add(new TreeMap<>());
        }
        Map<Integer, int[]> tokenCounts = new TreeMap<>();
        for (int i = 0; i < b.labels.size(); i++) {
            int c = index.get(b.labels.get(i));
            classCounts[c]++;
            int[] x = b.rows.get(i);
            for (int f = 0; f < x.length; f++) {
                featureCounts.get(f).computeIfAbsent(x[f], v -> new int[k])[c]++;
            }
            for (int token : b.tokens.get(i)) {
                tokenCounts.computeIfAbsent(token, t -> new int[k])[c]++;
            }
        }
        int n = b.labels.size();
        logPrior = new double[k];
        for (int c = 0; c < k; c++) {
            logPrior[c] = Math.log((double) classCounts[c] / n);
        }
        tokenDelta = new HashMap<>();
        absentSum = new double[k];
        for (Map.Entry<Integer, int[]> e : tokenCounts.entrySet()) {
            double[] delta = new double[k];
            for (int c = 0; c < k; c++) {
                double present = (e.getValue()[c] + alpha) / (classCounts[c] + 2 * alpha);
                delta[c] = Math.log(present) - Math.log1p(-present);
                absentSum[c] += Math.log1p(-present);
            }
            tokenDelta.put(e.getKey(), delta);
        }
    }

    List<String> classes() {
        return classes;
    }

    /** Unnormalised log posterior of each class, in {@link #classes()} order. */
    double[] logScores(int[] categorical, int[] tokens) {
        if (categorical.length != featureCounts.size()) {
            throw new IllegalArgumentException(
                    "expected " + featureCounts.size() + " features, got " + categorical.length);
        }
        int k = classes.size();
        double[] s = new double[k];
        for (int c = 0; c < k; c++) {
            s[c] = logPrior[c] + absentSum[c];
        }
        for (int f = 0; f < categorical.length; f++) {
            TreeMap<Integer, int[]> counts = featureCounts.get(f);
            int[] byClass = counts.get(nearest(counts, categorical[f]));
            int vocabulary = counts.size();
            for (int c = 0; c < k; c++) {
                s[c] += Math.log((byClass[c] + alpha) / (classCounts[c] + alpha * vocabulary));
            }
        }
        for (int token : new TreeSet<>(asList(tokens))) {
            double[] delta = tokenDelta.get(token);
            if (delta != null) {
                for (int c = 0; c < k; c++) {
                    s[c] += delta[c];
                }
            }
        }
        return s;
    }

    /** The most probable class; ties go to the class with more training samples, then the alphabetically first. */
    String predict(int[] categorical, int[] tokens) {
        double[] s = logScores(categorical, tokens);
        int best = 0;
        for (int c = 1; c < s.length; c++) {
            if (s[c] > s[best] || (s[c] == s[best] && classCounts[c] > classCounts[best])) {
                best = c;
            }
        }
        return classes.get(best);
    }

    /** log P(positive | x) - log P(negative | x): a detector score. */
    double logOdds(String positive, String negative, int[] categorical, int[] tokens) {
        int p = classes.indexOf(positive);
        int n = classes.indexOf(negative);
        if (p < 0 || n < 0) {
            throw new IllegalArgumentException("both classes must occur in training: " + positive + ", " + negative);
        }
        double[] s = logScores(categorical, tokens);
        return s[p] - s[n];
    }

    private static int nearest(TreeMap<Integer, int[]> counts, int value) {
        if (counts.containsKey(value)) {
            return value;
        }
        Integer below = counts.floorKey(value);
        Integer above = counts.ceilingKey(value);
        if (below == null) {
            return above;
        }
        if (above == null) {
            return below;
        }
        return (long) value - below <= (long) above - value ? below : above;
    }

    private static List<Integer> asList(int[] values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    /** Collects training samples. */
    static final class Builder {
        private final int featureCount;
        private final List<String> labels = new ArrayList<>();
        private final List<int[]> rows = new ArrayList<>();
        private final List<int[]> tokens = new ArrayList<>();

        Builder(int featureCount) {
            if (featureCount < 0) {
                throw new IllegalArgumentException("feature count is negative: " + featureCount);
            }
            this.featureCount = featureCount;
        }

        Builder add(String label, int[] categorical, int[] presentTokens) {
            if (categorical.length != featureCount) {
                throw new IllegalArgumentException("expected " + featureCount + " features, got " + categorical.length);
            }
            labels.add(label);
            rows.add(categorical.clone());
            tokens.add(new TreeSet<>(asList(presentTokens)).stream().mapToInt(Integer::intValue).toArray());
            return this;
        }

        int size() {
            return labels.size();
        }

        NaiveBayes build(double alpha) {
            if (labels.isEmpty()) {
                throw new IllegalArgumentException("no training samples");
            }
            if (!(alpha > 0)) {
                throw new IllegalArgumentException("smoothing alpha must be > 0, got " + alpha);
            }
            return new NaiveBayes(this, alpha);
        }
    }
}

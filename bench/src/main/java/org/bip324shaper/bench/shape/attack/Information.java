package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Entropy and mutual information in bits, estimated from samples.
 *
 * <p>Estimators: the plug-in (maximum-likelihood) estimate, which is biased (entropy down, mutual information up, by
 * about (bins - 1) / 2N nats per entropy term), and the Miller-Madow correction, which adds (m - 1) / (2N ln 2) bits to
 * each entropy, m being the number of non-empty bins. Mutual information is H(X) + H(Y) - H(X, Y) with each term
 * corrected, clamped at 0. With many sparse bins even Miller-Madow leaves bias, so {@link #shuffledMutualInformationBits}
 * measures it directly: the plug-in estimate after shuffling Y, where the true value is 0.
 */
public final class Information {
    private static final double LN2 = Math.log(2);

    private Information() {
    }

    /** Plug-in entropy of a histogram, in bits. Zero counts are ignored. */
    public static double entropyBits(Collection<? extends Number> counts) {
        long total = 0;
        for (Number c : counts) {
            if (c.longValue() < 0) {
                throw new IllegalArgumentException("a count is negative: " + c);
            }
            total += c.longValue();
        }
        if (total == 0) {
            throw new IllegalArgumentException("an empty histogram has no entropy");
        }
        double h = 0;
        for (Number c : counts) {
            long k = c.longValue();
            if (k > 0) {
                double p = (double) k / total;
                h -= p * Math.log(p);
            }
        }
        return h / LN2;
    }

    /** Entropy with the Miller-Madow correction: plug-in plus (non-empty bins - 1) / (2N ln 2). */
    public static double entropyMillerMadowBits(Collection<? extends Number> counts) {
        long total = 0;
        int nonEmpty = 0;
        for (Number c : counts) {
            total += c.longValue();
            if (c.longValue() > 0) {
                nonEmpty++;
            }
        }
        return entropyBits(counts) + (nonEmpty - 1) / (2.0 * total * LN2);
    }

    /** Plug-in entropy of the values in {@code samples}, in bits. */
    public static double sampleEntropyBits(List<?> samples) {
        return entropyBits(histogram(samples).values());
    }

    /** Plug-in I(X; Y) from paired samples, in bits. */
    public static double mutualInformationBits(List<?> x, List<?> y) {
        checkPaired(x, y);
        return Math.max(0, entropyBits(histogram(x).values()) + entropyBits(histogram(y).values())
                - entropyBits(histogram(pairs(x, y)).values()));
    }

    /** I(X; Y) = H(X) + H(Y) - H(X, Y), each entropy Miller-Madow corrected; clamped at 0. */
    public static double mutualInformationMillerMadowBits(List<?> x, List<?> y) {
        checkPaired(x, y);
        return Math.max(0, entropyMillerMadowBits(histogram(x).values())
                + entropyMillerMadowBits(histogram(y).values())
                - entropyMillerMadowBits(histogram(pairs(x, y)).values()));
    }

    /**
     * The mean plug-in I(X; Y') over {@code rounds} random shuffles Y' of Y: the estimator's bias at this sample size
     * and these marginals, since shuffling makes X and Y' independent. Seeded, so repeatable.
     */
    public static double shuffledMutualInformationBits(List<?> x, List<?> y, int rounds, long seed) {
        checkPaired(x, y);
        if (rounds < 1) {
            throw new IllegalArgumentException("need at least one shuffle, got " + rounds);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Object> shuffled = new ArrayList<>(y);
        double sum = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = shuffled.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Object tmp = shuffled.get(i);
                shuffled.set(i, shuffled.get(j));
                shuffled.set(j, tmp);
            }
            sum += mutualInformationBits(x, shuffled);
        }
        return sum / rounds;
    }

    private static Map<Object, Long> histogram(List<?> samples) {
        Map<Object, Long> counts = new HashMap<>();
        for (Object s : samples) {
            counts.merge(s, 1L, Long::sum);
        }
        return counts;
    }

    private static List<List<Object>> pairs(List<?> x, List<?> y) {
        List<List<Object>> out = new ArrayList<>(x.size());
        for (int i = 0; i < x.size(); i++) {
            out.add(List.of(x.get(i), y.get(i)));
        }
        return out;
    }

    private static void checkPaired(List<?> x, List<?> y) {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException("X and Y differ in length: " + x.size() + " vs " + y.size());
        }
        if (x.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
    }
}

package org.bip324shaper.bench.shape.attack;

/**
 * A two-sided confidence interval for a proportion.
 *
 * @param low  lower bound, in [0, 1]
 * @param high upper bound, in [low, 1]
 */
public record Interval(double low, double high) {
    /** 95% two-sided. */
    private static final double Z95 = 1.959963984540054;

    public Interval {
        if (!(low >= 0 && low <= high && high <= 1)) {
            throw new IllegalArgumentException("need 0 <= low <= high <= 1, got [" + low + ", " + high + "]");
        }
    }

    /**
     * The 95% Wilson score interval of {@code successes} out of {@code trials}: well behaved near 0 and 1, where our
     * rates live (TPR at 1% FPR), unlike the normal approximation. {@code [0, 1]} when there are no trials.
     */
    public static Interval wilson95(long successes, long trials) {
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials, got " + successes + " of " + trials);
        }
        if (trials == 0) {
            return new Interval(0, 1);
        }
        double n = trials;
        double p = successes / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "[%.3f, %.3f]", low, high);
    }
}

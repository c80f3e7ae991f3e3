package org.bip324shaper.bench.shape.wallet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.bench.shape.attack.Bins;
import org.bip324shaper.bench.shape.attack.Roc;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A6, payment detection: did the wallet broadcast a payment in this window? The day is cut into windows of
 * {@code window} (5 s by default); a window is positive when a {@code PAY} event falls in it. The observer sees both
 * directions and the connection events. Features, for the window and its neighbours (one before, {@code after}
 * after, since bitcoinj's reconnect follows the payment by 2.5 s): per direction the number of writes, the largest
 * write and the bytes (log bins); the SYNs and FINs. A naive Bayes over them is trained on the training days and
 * scored on held-out days: AUC, TPR at 1% FPR with the best threshold in hindsight (upper bound) and with the
 * threshold fixed on training data.
 *
 * @param window the time resolution asked for
 * @param after  neighbouring windows after the window that the attacker also looks at
 */
public record PaymentAttacker(Duration window, int after) {
    public static final double TARGET_FPR = 0.01;

    public PaymentAttacker {
        if (window.isNegative() || window.isZero() || after < 0 || after > 20) {
            throw new IllegalArgumentException("window must be positive and after in 0..20");
        }
    }

    public static PaymentAttacker standard() {
        return new PaymentAttacker(Duration.ofSeconds(5), 2);
    }

    /**
     * @param auc          area under the held-out ROC
     * @param rocTpr       held-out TPR at 1% FPR, best threshold in hindsight
     * @param trainedTpr   held-out TPR at the threshold that gave 1% FPR on the training days
     * @param trainedFpr   held-out FPR at that threshold
     * @param positives    held-out payment windows
     * @param negatives    held-out windows without a payment
     */
    public record Result(double auc, double rocTpr, double trainedTpr, double trainedFpr, int positives,
                         int negatives) {
    }

    public Result evaluate(List<ObservedDay> train, List<ObservedDay> test) {
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("A6 needs training and test days");
        }
        BinnedBayes model = new BinnedBayes(features());
        for (ObservedDay d : train) {
            Samples s = samples(d);
            model.addAll(s.positive, true);
            model.addAll(s.negative, false);
        }
        List<Double> trainNeg = new ArrayList<>();
        for (ObservedDay d : train) {
            for (int[] x : samples(d).negative) {
                trainNeg.add(model.score(x));
            }
        }
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (ObservedDay d : test) {
            Samples s = samples(d);
            s.positive.forEach(x -> pos.add(model.score(x)));
            s.negative.forEach(x -> neg.add(model.score(x)));
        }
        if (pos.isEmpty() || neg.isEmpty()) {
            throw new IllegalArgumentException("the test days need windows with and without a payment");
        }
        double[] p = pos.stream().mapToDouble(Double::doubleValue).toArray();
        double[] n = neg.stream().mapToDouble(Double::doubleValue).toArray();
        Roc roc = Roc.of(p, n);
        double threshold = Roc.thresholdForFpr(trainNeg.stream().mapToDouble(Double::doubleValue).toArray(),
                TARGET_FPR);
        return new Result(roc.auc(), roc.tprAtFpr(TARGET_FPR), (double) Roc.countAbove(p, threshold) / p.length,
                (double) Roc.countAbove(n, threshold) / n.length, p.length, n.length);
    }

    private int features() {
        return (2 + after) * 8;
    }

    private record Samples(List<int[]> positive, List<int[]> negative) {
    }

    private Samples samples(ObservedDay day) {
        long w = window.toNanos();
        int count = (int) Math.max(1, day.lengthNanos() / w);
        int[][] perWindow = new int[count][8];
        add(perWindow, day.writes(Direction.OUTBOUND), 0, w);
        add(perWindow, day.writes(Direction.INBOUND), 3, w);
        for (long t : day.opens()) {
            int k = (int) (t / w);
            if (k < count) {
                perWindow[k][6]++;
            }
        }
        for (long t : day.closes()) {
            int k = (int) (t / w);
            if (k < count) {
                perWindow[k][7]++;
            }
        }
        boolean[] pay = new boolean[count];
        for (long t : day.times(WalletEvent.Kind.PAY)) {
            int k = (int) (t / w);
            if (k < count) {
                pay[k] = true;
            }
        }
        List<int[]> positive = new ArrayList<>();
        List<int[]> negative = new ArrayList<>();
        for (int k = 1; k + after < count; k++) {
            int[] x = new int[features()];
            int f = 0;
            for (int j = k - 1; j <= k + after; j++) {
                int[] c = perWindow[j];
                x[f++] = Math.min(c[0], 6);
                x[f++] = c[1] == 0 ? 0 : 1 + Bins.log2(c[1], 4);
                x[f++] = c[2] == 0 ? 0 : 1 + Bins.log2(c[2], 2);
                x[f++] = Math.min(c[3], 6);
                x[f++] = c[4] == 0 ? 0 : 1 + Bins.log2(c[4], 4);
                x[f++] = c[5] == 0 ? 0 : 1 + Bins.log2(c[5], 2);
                x[f++] = Math.min(c[6], 2);
                x[f++] = Math.min(c[7], 2);
            }
            (pay[k] ? positive : negative).add(x);
        }
        return new Samples(positive, negative);
    }

    /** Per window: writes, largest write, bytes, at {@code offset}. */
    private static void add(int[][] perWindow, List<WireWrite> writes, int offset, long w) {
        for (WireWrite x : writes) {
            int k = (int) (x.timeNanos() / w);
            if (k >= perWindow.length) {
                continue;
            }
            perWindow[k][offset]++;
            perWindow[k][offset + 1] = Math.max(perWindow[k][offset + 1], x.bytes());
            perWindow[k][offset + 2] += x.bytes();
        }
    }
}

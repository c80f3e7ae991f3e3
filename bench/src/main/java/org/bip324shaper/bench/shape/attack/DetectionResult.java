package org.bip324shaper.bench.shape.attack;

import java.util.List;
import java.util.Locale;

import org.bip324shaper.core.trace.Direction;

/**
 * How well a binary detector separates held-out positives from negatives.
 *
 * <p>Two readings of "TPR at 1% FPR": {@code rocTpr} reads the held-out ROC itself (the best threshold in hindsight:
 * an upper bound on the attacker, the number to hold a defence to); {@code trainedTpr}/{@code trainedFpr} apply the
 * threshold learned on the training traces' negatives (what a real attacker would reach; the model scores its own
 * training traces there, so compare {@code trainedFpr} with the target). Chance is TPR = FPR.
 *
 * @param attacker         the attacker's name
 * @param direction        the attacked direction
 * @param positives        held-out positive samples (windows, segments); 0 when the data had none
 * @param negatives        held-out negative samples
 * @param targetFpr        the false-positive rate the attacker is held to, e.g. 0.01
 * @param auc              area under the held-out ROC (0.5 = chance); NaN without data
 * @param rocTpr           held-out ROC TPR at {@code targetFpr}; NaN without data
 * @param trainedTpr       held-out TPR at the trained threshold; NaN without data
 * @param trainedTprInterval its 95% Wilson interval
 * @param trainedFpr       held-out FPR at the trained threshold (compare with {@code targetFpr}); NaN without data
 * @param note             what the samples are, or why there is no number
 */
public record DetectionResult(
        String attacker,
        Direction direction,
        int positives,
        int negatives,
        double targetFpr,
        double auc,
        double rocTpr,
        double trainedTpr,
        Interval trainedTprInterval,
        double trainedFpr,
        String note) implements AttackResult {

    /** Scores a detector: the ROC of the held-out scores, and the threshold set on the training negatives. */
    static DetectionResult of(String attacker, Direction direction, double targetFpr, Scores train, Scores test,
            String note) {
        if (test.positives().length == 0 || test.negatives().length == 0 || train.negatives().length == 0) {
            return new DetectionResult(attacker, direction, test.positives().length, test.negatives().length,
                    targetFpr, Double.NaN, Double.NaN, Double.NaN, new Interval(0, 1), Double.NaN,
                    note + "; not enough data (need held-out positives and negatives, and training negatives)");
        }
        Roc roc = Roc.of(test.positives(), test.negatives());
        double threshold = Roc.thresholdForFpr(train.negatives(), targetFpr);
        int tp = Roc.countAbove(test.positives(), threshold);
        int fp = Roc.countAbove(test.negatives(), threshold);
        int p = test.positives().length;
        int n = test.negatives().length;
        return new DetectionResult(attacker, direction, p, n, targetFpr, roc.auc(), roc.tprAtFpr(targetFpr),
                (double) tp / p, Interval.wilson95(tp, p), (double) fp / n, note);
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT,
                "%s %s: TPR@%.0f%%FPR %.3f (ROC), trained threshold TPR %.3f %s at FPR %.3f, AUC %.3f,"
                        + " %d pos / %d neg; %s",
                attacker, direction.code(), 100 * targetFpr, rocTpr, trainedTpr, trainedTprInterval, trainedFpr, auc,
                positives, negatives, note);
    }

    /** Detector scores of positive and negative samples. */
    record Scores(double[] positives, double[] negatives) {
        static Scores of(List<Double> positives, List<Double> negatives) {
            return new Scores(positives.stream().mapToDouble(Double::doubleValue).toArray(),
                    negatives.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }
}

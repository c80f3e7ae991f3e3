package org.bip324shaper.bench.shape.attack;

import java.util.Locale;

import org.bip324shaper.core.trace.Direction;

/**
 * How well an attacker names the message type of each held-out write ({@link LabeledWrite#label()}).
 *
 * @param attacker             the attacker's name
 * @param direction            the attacked direction
 * @param writes               held-out writes scored
 * @param classes              distinct true labels among them
 * @param unalignedMessages    held-out messages the labeler could not place (their writes still count, unlabelled)
 * @param accuracy             fraction named right
 * @param accuracyInterval     its 95% Wilson interval
 * @param majorityBaseline     accuracy of always answering the training set's most frequent label
 * @param macroF1              unweighted mean per-class F1 ({@link ClassificationMetrics#macroF1})
 * @param typeEntropyBits      H(type) of the held-out labels (plug-in): what there is to learn
 * @param sizeInformationBits  I(size bin; type), Miller-Madow: what one write's size tells, whatever the classifier
 * @param sizeInformationBiasBits the plug-in I(size bin; shuffled type): the estimator's bias here; read
 *                             {@code sizeInformationBits} as meaningful only well above it
 * @param predictionInformationBits I(prediction; type), Miller-Madow: what this classifier actually extracted
 */
public record ClassificationResult(
        String attacker,
        Direction direction,
        int writes,
        int classes,
        int unalignedMessages,
        double accuracy,
        Interval accuracyInterval,
        double majorityBaseline,
        double macroF1,
        double typeEntropyBits,
        double sizeInformationBits,
        double sizeInformationBiasBits,
        double predictionInformationBits) implements AttackResult {

    /** Accuracy gained over the majority-class baseline, in percentage points. */
    public double pointsOverBaseline() {
        return 100 * (accuracy - majorityBaseline);
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT,
                "%s %s: accuracy %.3f %s vs majority %.3f (%+.1f pts), macro-F1 %.3f, H(type) %.3f b,"
                        + " I(size;type) %.3f b (bias %.3f), I(pred;type) %.3f b, %d writes, %d classes%s",
                attacker, direction.code(), accuracy, accuracyInterval, majorityBaseline, pointsOverBaseline(),
                macroF1, typeEntropyBits, sizeInformationBits, sizeInformationBiasBits, predictionInformationBits,
                writes, classes, unalignedMessages == 0 ? "" : ", " + unalignedMessages + " unaligned messages");
    }
}

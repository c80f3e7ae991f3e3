package org.bip324shaper.bench.shape.attack;

import java.util.List;
import java.util.Locale;

import org.bip324shaper.core.trace.Direction;

/**
 * The results of a set of attackers against one defence, attacking one direction.
 *
 * @param defence   the defence's name (e.g. a strategy config string)
 * @param direction the attacked direction
 * @param results   one per attacker, in run order
 */
public record AttackReport(String defence, Direction direction, List<AttackResult> results) {
    public AttackReport {
        if (defence == null || defence.isEmpty() || direction == null) {
            throw new IllegalArgumentException("defence and direction are required");
        }
        results = List.copyOf(results);
    }

    /** One line per result. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        for (AttackResult r : results) {
            out.append(defence).append(": ").append(r.summary()).append('\n');
        }
        return out.toString();
    }

    /**
     * A Markdown table with one row per result. Type attacks fill accuracy, majority, macro-F1, I(size;type) and
     * H(type); detectors fill TPR at their target FPR (ROC and trained threshold) and AUC.
     */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| defence | dir | attacker | accuracy | majority | macro-F1 | I(size;type) b | H(type) b"
                + " | TPR@FPR (ROC) | TPR (trained) | FPR (trained) | AUC | samples |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (AttackResult r : results) {
            if (r instanceof ClassificationResult c) {
                out.append(String.format(Locale.ROOT,
                        "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | | | | | %d |\n",
                        defence, direction.code(), c.attacker(), c.accuracy(), c.majorityBaseline(), c.macroF1(),
                        c.sizeInformationBits(), c.typeEntropyBits(), c.writes()));
            } else if (r instanceof DetectionResult d) {
                out.append(String.format(Locale.ROOT,
                        "| %s | %s | %s | | | | | | %.3f @%.2f | %.3f | %.3f | %.3f | %d+/%d- |\n",
                        defence, direction.code(), d.attacker(), d.rocTpr(), d.targetFpr(), d.trainedTpr(),
                        d.trainedFpr(), d.auc(), d.positives(), d.negatives()));
            }
        }
        return out.toString();
    }
}

package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * The shared train/score loop of the message-type attacks (A1, A2): label the writes, extract features per write,
 * fit a {@link NaiveBayes}, predict the held-out writes, and score the predictions.
 */
final class TypeClassification {
    /** Shuffles used to measure the mutual-information estimator's bias. */
    private static final int SHUFFLES = 5;

    /** Features of the write at {@code index} of {@code view}; every value an ordinal {@link Bins} bin. */
    interface Features {
        int count();

        int[] of(DirectionView view, int index);
    }

    /**
     * One direction of one trace as the type attacks see it.
     *
     * @param writes   the attacked direction's writes, labelled (labels are only read for training and scoring)
     * @param opposite the other direction's writes, which the observer sees too
     * @param unalignedMessages messages the labeler could not place
     */
    record DirectionView(List<LabeledWrite> writes, List<WireWrite> opposite, int unalignedMessages) {

        static DirectionView of(ConnectionTrace trace, Direction direction, WriteLabeler labeler) {
            Alignment alignment = labeler.align(trace, direction);
            return new DirectionView(alignment.writes(), trace.writes(direction.opposite()),
                    alignment.unalignedMessages());
        }

        WireWrite write(int index) {
            return writes.get(index).write();
        }

        /** Index of the last opposite-direction write at or before {@code timeNanos}, or -1. */
        int lastOppositeAtOrBefore(long timeNanos) {
            int lo = 0;
            int hi = opposite.size() - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (opposite.get(mid).timeNanos() <= timeNanos) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }
    }

    /** Which writes a type attack is trained and scored on. */
    enum Scope {
        /** Every write, decoy-only ones labelled {@link LabeledWrite#NO_MESSAGE}. */
        ALL_WRITES,
        /**
         * Only writes that carry at least one genuine message. Under a ticker 93-97% of writes are empty ticks, so
         * over all writes the majority guess "(none)" is almost always right and "within 5 points of the majority"
         * cannot fail; among carrying writes it can.
         */
        CARRYING;

        boolean includes(LabeledWrite w) {
            return this == ALL_WRITES || !w.messages().isEmpty();
        }
    }

    private TypeClassification() {
    }

    static ClassificationResult run(String name, WriteLabeler labeler, Features features, double alpha, long seed,
            List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        return run(name, labeler, Scope.ALL_WRITES, features, alpha, seed, train, test, direction);
    }

    static ClassificationResult run(String name, WriteLabeler labeler, Scope scope, Features features, double alpha,
            long seed, List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        Checks.requireSplit(train, test, direction);
        NaiveBayes.Builder builder = new NaiveBayes.Builder(features.count());
        List<String> trainLabels = new ArrayList<>();
        for (ConnectionTrace trace : train) {
            DirectionView view = DirectionView.of(trace, direction, labeler);
            for (int i = 0; i < view.writes().size(); i++) {
                if (!scope.includes(view.writes().get(i))) {
                    continue;
                }
                String label = view.writes().get(i).label();
                builder.add(label, features.of(view, i), new int[0]);
                trainLabels.add(label);
            }
        }
        if (trainLabels.isEmpty()) {
            throw new IllegalArgumentException("the training traces have no " + direction.code() + " writes");
        }
        NaiveBayes model = builder.build(alpha);
        String majority = ClassificationMetrics.majority(trainLabels);

        List<String> truth = new ArrayList<>();
        List<String> predicted = new ArrayList<>();
        List<String> baseline = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int unaligned = 0;
        for (ConnectionTrace trace : test) {
            DirectionView view = DirectionView.of(trace, direction, labeler);
            unaligned += view.unalignedMessages();
            for (int i = 0; i < view.writes().size(); i++) {
                if (!scope.includes(view.writes().get(i))) {
                    continue;
                }
                truth.add(view.writes().get(i).label());
                predicted.add(model.predict(features.of(view, i), new int[0]));
                baseline.add(majority);
                sizes.add(Bins.size(view.write(i).bytes()));
            }
        }
        if (truth.isEmpty()) {
            throw new IllegalArgumentException("the test traces have no " + direction.code() + " writes");
        }
        int correct = ClassificationMetrics.correct(truth, predicted);
        return new ClassificationResult(name, direction, truth.size(), (int) truth.stream().distinct().count(),
                unaligned, (double) correct / truth.size(), Interval.wilson95(correct, truth.size()),
                ClassificationMetrics.accuracy(truth, baseline), ClassificationMetrics.macroF1(truth, predicted),
                Information.sampleEntropyBits(truth), Information.mutualInformationMillerMadowBits(sizes, truth),
                Information.shuffledMutualInformationBits(sizes, truth, SHUFFLES, seed),
                Information.mutualInformationMillerMadowBits(predicted, truth));
    }
}

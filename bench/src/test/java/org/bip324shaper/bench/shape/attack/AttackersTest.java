package org.bip324shaper.bench.shape.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each attacker must read undefended synthetic traffic (it can detect) and fall to chance on the ideal constant-rate,
 * constant-size view (it can be defeated); in between, padding alone must hide sizes but not timing.
 */
class AttackersTest {
    private static final Direction OUT = Direction.OUTBOUND;
    private static final WriteLabeler LABELER = WriteLabeler.sameInstant();

    private static ClassificationResult classify(Attacker a, List<ConnectionTrace> train, List<ConnectionTrace> test) {
        return (ClassificationResult) a.evaluate(train, test, OUT);
    }

    private static DetectionResult detect(Attacker a, List<ConnectionTrace> train, List<ConnectionTrace> test,
            Direction d) {
        return (DetectionResult) a.evaluate(train, test, d);
    }

    @Test
    void typeAttacksReadUndefendedWrites() {
        ClassificationResult a1 = classify(new SizeTypeAttacker(LABELER, 1), Datasets.TRAIN, Datasets.TEST);
        ClassificationResult a2 = classify(new SequenceTypeAttacker(LABELER, 1), Datasets.TRAIN, Datasets.TEST);
        assertTrue(a1.pointsOverBaseline() > 20, a1.summary());
        assertTrue(a1.sizeInformationBits() > 0.5 * a1.typeEntropyBits(), a1.summary());
        assertTrue(a1.sizeInformationBits() > 10 * a1.sizeInformationBiasBits(), a1.summary());
        assertTrue(a1.predictionInformationBits() <= a1.sizeInformationBits() + 0.05, "a function of the size "
                + "cannot know more than the size: " + a1.summary());
        // Neighbours and the other direction tell apart what one size cannot (ping/pong/feefilter, inv/getdata).
        assertTrue(a2.accuracy() > 0.9 && a2.accuracy() > a1.accuracy() + 0.15, a2.summary());
        assertTrue(a2.macroF1() > a1.macroF1(), a2.summary());
    }

    @ParameterizedTest
    @EnumSource(Direction.class)
    void detectorsFindBlocksAndPingsInUndefendedTraffic(Direction d) {
        DetectionResult a3 = detect(new BlockWindowAttacker(), Datasets.TRAIN, Datasets.TEST, d);
        DetectionResult a4 = detect(new BlockCorrelationAttacker(Duration.ofMinutes(30), 1), Datasets.TRAIN,
                Datasets.TEST, d);
        DetectionResult a5 = detect(new PingLatticeAttacker(LABELER), Datasets.TRAIN, Datasets.TEST, d);
        assertTrue(a3.rocTpr() > 0.8 && a3.auc() > 0.95, a3.summary());
        assertTrue(a3.positives() > 100 && a3.negatives() > 5000, a3.summary());
        assertTrue(a4.rocTpr() > 0.7 && a4.auc() > 0.95, a4.summary());
        assertTrue(a5.rocTpr() > 0.95 && a5.trainedTpr() > 0.95 && a5.trainedFpr() < 0.03, a5.summary());
    }

    @Test
    void everyAttackerFallsToChanceOnTheIdealView() {
        List<ConnectionTrace> train = Datasets.IDEAL_TRAIN;
        List<ConnectionTrace> test = Datasets.IDEAL_TEST;
        ClassificationResult a1 = classify(new SizeTypeAttacker(LABELER, 1), train, test);
        ClassificationResult a2 = classify(new SequenceTypeAttacker(LABELER, 1), train, test);
        assertEquals(a1.majorityBaseline(), a1.accuracy(), 0.005, a1.summary());
        assertEquals(0, a1.sizeInformationBits(), 1e-9, a1.summary());
        assertTrue(a1.typeEntropyBits() > 1, "there was something to learn: " + a1.summary());
        assertEquals(a2.majorityBaseline(), a2.accuracy(), 0.01, a2.summary());
        assertTrue(a2.predictionInformationBits() < 0.02, a2.summary());
        for (Attacker detector : List.of(new BlockWindowAttacker(), new BlockCorrelationAttacker(
                Duration.ofMinutes(30), 1), new PingLatticeAttacker(LABELER))) {
            DetectionResult r = detect(detector, train, test, OUT);
            assertTrue(r.rocTpr() <= 0.03, r.summary());
            assertEquals(0.5, r.auc(), 0.05, r.summary());
            assertTrue(r.positives() > 30, r.summary());
        }
    }

    @Test
    void paddingHidesSizesButNotTiming() {
        List<ConnectionTrace> train = Datasets.PADDED_TRAIN;
        List<ConnectionTrace> test = Datasets.PADDED_TEST;
        ClassificationResult a1 = classify(new SizeTypeAttacker(LABELER, 1), train, test);
        ClassificationResult a2 = classify(new SequenceTypeAttacker(LABELER, 1), train, test);
        DetectionResult a5 = detect(new PingLatticeAttacker(LABELER), train, test, OUT);
        assertTrue(Math.abs(a1.pointsOverBaseline()) < 2, a1.summary());
        assertTrue(a2.pointsOverBaseline() > 30, a2.summary());
        assertTrue(a5.rocTpr() > 0.9, a5.summary());
    }

    @Test
    void randomDecoysBlurSizesButLeaveThePingLattice() {
        ClassificationResult a1 = classify(new SizeTypeAttacker(LABELER, 1), Datasets.RANDOM_TRAIN,
                Datasets.RANDOM_TEST);
        ClassificationResult undefended = classify(new SizeTypeAttacker(LABELER, 1), Datasets.TRAIN, Datasets.TEST);
        DetectionResult a5 = detect(new PingLatticeAttacker(LABELER), Datasets.RANDOM_TRAIN, Datasets.RANDOM_TEST,
                OUT);
        assertTrue(a1.pointsOverBaseline() < undefended.pointsOverBaseline() / 3, a1.summary());
        assertTrue(a5.rocTpr() > 0.3, a5.summary());
    }

    @Test
    void labelersAgreeOnExactlyStampedTraces() {
        ClassificationResult exact = classify(new SizeTypeAttacker(LABELER, 1), Datasets.TRAIN, Datasets.TEST);
        ClassificationResult carrier = classify(new SizeTypeAttacker(WriteLabeler.carrier(Duration.ZERO), 1),
                Datasets.TRAIN, Datasets.TEST);
        assertEquals(exact, carrier);
    }

    @Test
    void resultsAreDeterministic() {
        List<ConnectionTrace> train = Datasets.RANDOM_TRAIN.subList(0, 3);
        List<ConnectionTrace> test = Datasets.RANDOM_TEST.subList(0, 3);
        AttackResult first = new BlockCorrelationAttacker(Duration.ofMinutes(10), 9).evaluate(train, test, OUT);
        assertEquals(first, new BlockCorrelationAttacker(Duration.ofMinutes(10), 9).evaluate(train, test, OUT));
        assertTrue(((DetectionResult) first).negatives() > 100, first.summary());
        Attacker a2 = new SequenceTypeAttacker(LABELER, 3);
        assertEquals(a2.evaluate(train, test, OUT), a2.evaluate(train, test, OUT));
    }

    @Test
    void tooLittleDataGivesNoNumberRatherThanAFalseOne() {
        DetectionResult r = detect(new BlockCorrelationAttacker(Duration.ofHours(5), 1), Datasets.TRAIN,
                Datasets.TEST, OUT);
        assertEquals(0, r.positives());
        assertTrue(Double.isNaN(r.rocTpr()) && Double.isNaN(r.auc()), r.summary());
        assertTrue(r.note().contains("not enough data"), r.note());
    }

    @Test
    void badInputIsRefused() {
        List<ConnectionTrace> none = List.of();
        for (Attacker a : AttackSuite.standard(LABELER, 1)) {
            assertThrows(IllegalArgumentException.class, () -> a.evaluate(none, Datasets.TEST, OUT), a.name());
            assertThrows(IllegalArgumentException.class, () -> a.evaluate(Datasets.TRAIN, none, OUT), a.name());
        }
        ConnectionTrace quiet = new ConnectionTrace("quiet",
                List.of(new GenuineMessage(0, OUT, "inv", 37)),
                List.of(new org.bip324shaper.core.trace.WireWrite(0, OUT, 58),
                        new org.bip324shaper.core.trace.WireWrite(100_000_000_000L, OUT, 58)));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockWindowAttacker().evaluate(List.of(quiet), Datasets.TEST, OUT));
        assertThrows(IllegalArgumentException.class,
                () -> new PingLatticeAttacker(LABELER).evaluate(List.of(quiet), Datasets.TEST, OUT));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockWindowAttacker(Duration.ZERO, BlockEventRule.DEFAULT, 0.01));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockCorrelationAttacker(Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ZERO, 0,
                        BlockEventRule.DEFAULT, 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> new PingLatticeAttacker(LABELER, Duration.ofSeconds(1),
                Duration.ofSeconds(120), 7, Duration.ofMillis(100), Duration.ofMillis(100), 1.0));
    }

    @Test
    void suiteRunsEveryAttackerIntoOneReport() {
        List<ConnectionTrace> train = Datasets.TRAIN.subList(0, 2);
        List<ConnectionTrace> test = Datasets.TEST.subList(0, 2);
        List<Attacker> attackers = AttackSuite.standard(LABELER, 1);
        AttackReport report = AttackSuite.run("none", attackers, train, test, Direction.INBOUND);
        assertEquals(attackers.size(), report.results().size());
        assertEquals(10, attackers.size(), "A1, A2 (carrying, all writes), A3, A4 x 4 segment lengths, A5");
        String[] rows = report.markdown().split("\n");
        assertEquals(2 + attackers.size(), rows.length);
        for (Attacker a : attackers) {
            assertTrue(report.markdown().contains("| " + a.name() + " |"), a.name());
            assertTrue(report.summary().contains("none: " + a.name() + " in:"), a.name());
        }
    }
}

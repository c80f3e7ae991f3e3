package org.bip324shaper.bench.shape.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double EPS = 1e-9;
    private static final double LN2 = Math.log(2);

    @Test
    void accuracyAndMacroF1ByHand() {
        List<String> truth = List.of("a", "a", "b", "c");
        List<String> predicted = List.of("a", "b", "b", "a");
        assertEquals(0.5, ClassificationMetrics.accuracy(truth, predicted), EPS);
        // F1: a = 2/(2+1+1) = 1/2, b = 2/(2+1) = 2/3, c = 0.
        assertEquals((0.5 + 2.0 / 3 + 0) / 3, ClassificationMetrics.macroF1(truth, predicted), EPS);
    }

    @Test
    void macroF1CountsClassesThatAreOnlyPredicted() {
        // a: 2/(2+0+1) = 2/3; d (never true): 0.
        assertEquals(1.0 / 3, ClassificationMetrics.macroF1(List.of("a", "a"), List.of("a", "d")), EPS);
        assertEquals(1, ClassificationMetrics.macroF1(List.of("x", "y"), List.of("x", "y")), EPS);
    }

    @Test
    void majorityBreaksTiesAlphabetically() {
        assertEquals("b", ClassificationMetrics.majority(List.of("b", "b", "a")));
        assertEquals("a", ClassificationMetrics.majority(List.of("b", "a", "b", "a")));
    }

    @Test
    void entropyByHand() {
        assertEquals(1, Information.entropyBits(List.of(1, 1)), EPS);
        assertEquals(1.5, Information.entropyBits(List.of(1, 1, 2)), EPS);
        assertEquals(0, Information.entropyBits(List.of(5, 0)), EPS);
        // Miller-Madow: + (3 - 1) / (2 * 4 * ln 2).
        assertEquals(1.5 + 2 / (8 * LN2), Information.entropyMillerMadowBits(List.of(1, 1, 2)), EPS);
        assertEquals(Math.log(3) / LN2, Information.sampleEntropyBits(List.of("x", "y", "z")), EPS);
    }

    @Test
    void mutualInformationByHand() {
        List<Integer> x = List.of(0, 0, 1, 1);
        assertEquals(1, Information.mutualInformationBits(x, List.of("a", "a", "b", "b")), EPS);
        assertEquals(0, Information.mutualInformationBits(x, List.of("a", "b", "a", "b")), EPS);
        // H_MM(X) = H_MM(Y) = H_MM(X,Y) = 1 + 1/(8 ln 2), so I_MM = 1 + 1/(8 ln 2).
        assertEquals(1 + 1 / (8 * LN2), Information.mutualInformationMillerMadowBits(x, List.of("a", "a", "b", "b")),
                EPS);
        // Independent by construction: the correction would go negative, so it is clamped.
        assertEquals(0, Information.mutualInformationMillerMadowBits(x, List.of("a", "b", "a", "b")), EPS);
    }

    @Test
    void shuffledInformationExposesPlugInBias() {
        // X names every sample, so any pairing "explains" Y: the plug-in estimate is H(Y) = 1 bit, all bias.
        assertEquals(1, Information.shuffledMutualInformationBits(List.of(0, 1, 2, 3), List.of("a", "a", "b", "b"),
                3, 42), EPS);
        // A constant X explains nothing under any shuffle.
        assertEquals(0, Information.shuffledMutualInformationBits(List.of(7, 7, 7, 7), List.of("a", "a", "b", "b"),
                3, 42), EPS);
    }

    @Test
    void wilsonIntervalByHand() {
        Interval half = Interval.wilson95(5, 10);
        assertEquals(0.2366, half.low(), 1e-4);
        assertEquals(0.7634, half.high(), 1e-4);
        Interval none = Interval.wilson95(0, 10);
        assertEquals(0, none.low(), EPS);
        assertEquals(0.2775, none.high(), 1e-4);
        assertEquals(new Interval(0, 1), Interval.wilson95(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Interval.wilson95(3, 2));
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accuracy(List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.macroF1(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Information.entropyBits(List.of(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> Information.entropyBits(List.of(-1, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> Information.mutualInformationBits(List.of(1), List.of("a", "b")));
    }
}

package org.bip324shaper.bench.shape.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class RocTest {
    private static final double EPS = 1e-12;

    @Test
    void handComputedCurve() {
        // Descending: .9P .8N .7P .5N .4P .3N .2N; 9 of 12 pairs ordered right.
        Roc roc = Roc.of(new double[] {0.9, 0.7, 0.4}, new double[] {0.8, 0.5, 0.3, 0.2});
        List<double[]> points = roc.points();
        double[][] expected = {{0, 0}, {0, 1.0 / 3}, {0.25, 1.0 / 3}, {0.25, 2.0 / 3}, {0.5, 2.0 / 3}, {0.5, 1},
            {0.75, 1}, {1, 1}};
        assertEquals(expected.length, points.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], points.get(i), EPS);
        }
        assertEquals(0.75, roc.auc(), EPS);
        assertEquals(1.0 / 3, roc.tprAtFpr(0), EPS);
        assertEquals(1.0 / 3, roc.tprAtFpr(0.125), EPS);
        assertEquals(2.0 / 3, roc.tprAtFpr(0.25), EPS);
        assertEquals(2.0 / 3, roc.tprAtFpr(0.375), EPS);
        // A vertical jump is taken at its top: at FPR 0.5 the detector reaches TPR 1.
        assertEquals(1, roc.tprAtFpr(0.5), EPS);
        assertEquals(1, roc.tprAtFpr(1), EPS);
    }

    @Test
    void perfectDetector() {
        Roc roc = Roc.of(new double[] {3, 4}, new double[] {1, 2});
        assertEquals(1, roc.auc(), EPS);
        assertEquals(1, roc.tprAtFpr(0), EPS);
    }

    @Test
    void constantScoresAreChanceNotACorner() {
        Roc roc = Roc.of(new double[] {5, 5, 5}, new double[] {5, 5, 5, 5, 5});
        assertEquals(0.5, roc.auc(), EPS);
        assertEquals(0.01, roc.tprAtFpr(0.01), EPS);
        assertEquals(2, roc.points().size());
    }

    @Test
    void tieBetweenClassesIsADiagonalStep() {
        // The positive ties one negative: half a pair. AUC = (1 + 0.5) / 2.
        Roc roc = Roc.of(new double[] {1}, new double[] {1, 0});
        assertEquals(0.75, roc.auc(), EPS);
        assertEquals(0.5, roc.tprAtFpr(0.25), EPS);
    }

    @Test
    void thresholdFlagsAtMostTheAllowedNegatives() {
        double[] negatives = new double[100];
        for (int i = 0; i < 100; i++) {
            negatives[i] = i + 1;
        }
        double t = Roc.thresholdForFpr(negatives, 0.01);
        assertEquals(99, t, EPS);
        assertEquals(1, Roc.countAbove(negatives, t));
        assertEquals(0, Roc.countAbove(negatives, Roc.thresholdForFpr(negatives, 0)));
        assertEquals(5, Roc.countAbove(negatives, Roc.thresholdForFpr(negatives, 0.05)));
        // Ties at the threshold are not flagged: the FPR never exceeds the target.
        assertEquals(0, Roc.countAbove(new double[] {7, 7, 7}, Roc.thresholdForFpr(new double[] {7, 7, 7}, 0.5)));
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[0], new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {1}, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {Double.NaN}, new double[] {1}));
        Roc roc = Roc.of(new double[] {1}, new double[] {0});
        assertThrows(IllegalArgumentException.class, () -> roc.tprAtFpr(1.5));
        assertThrows(IllegalArgumentException.class, () -> Roc.thresholdForFpr(new double[0], 0.01));
    }
}

package org.bip324shaper.bench.shape.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CostPanelTest {
    private final CostPanel panel = new CostPanel(70, 50, 400, 300, 0.01, 1000, -10, 40);

    @Test
    void costIsLogScaledAndClampedToTheRange() {
        assertEquals(70, panel.x(0.01), 1e-9);
        assertEquals(470, panel.x(1000), 1e-9);
        assertEquals(70 + 400 * 3 / 5.0, panel.x(10), 1e-9, "10 is three of five decades in");
        assertEquals(70, panel.x(0.0001), 1e-9);
        assertEquals(470, panel.x(Double.POSITIVE_INFINITY), 1e-9, "an unbounded cost sits at the right edge");
    }

    @Test
    void successIsLinearWithTheTopAtTheMaximumAndClamped() {
        assertEquals(350, panel.y(-10), 1e-9);
        assertEquals(50, panel.y(40), 1e-9);
        assertEquals(50 + 300 * 0.7, panel.y(5), 1e-9);
        assertEquals(50, panel.y(99), 1e-9);
    }

    @Test
    void gridStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0.1, CostPanel.niceStep(0.62), 1e-12);
        assertEquals(10, CostPanel.niceStep(65), 1e-12);
        assertEquals(0.2, CostPanel.niceStep(1.05), 1e-12);
        assertEquals(5, CostPanel.niceStep(40), 1e-12);
    }

    @Test
    void rangesMustIncreaseAndTheLogAxisBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new CostPanel(0, 0, 10, 10, 0, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostPanel(0, 0, 10, 10, 1, 10, 1, 1));
    }
}

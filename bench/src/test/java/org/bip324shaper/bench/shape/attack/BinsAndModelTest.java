package org.bip324shaper.bench.shape.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinsAndModelTest {

    @Test
    void sizeBinsAreExactWhereTypesDifferByOneByte() {
        assertEquals(103, Bins.size(103));
        assertEquals(104, Bins.size(104));
        assertEquals(512, Bins.size(512));
        // Above 512: 64 bins per octave.
        assertEquals(512, Bins.size(519));
        assertEquals(520, Bins.size(520));
        assertEquals(122 * 8192, Bins.size(1_000_000));
        int previous = -1;
        for (int b = 0; b < 100_000; b += 7) {
            int bin = Bins.size(b);
            assertTrue(bin >= previous && bin <= b, "bins are ordinal and never above the size");
            previous = bin;
        }
        assertThrows(IllegalArgumentException.class, () -> Bins.size(-1));
    }

    @Test
    void logBins() {
        assertEquals(0, Bins.log2(0, 1));
        assertEquals(1, Bins.log2(1, 1));
        assertEquals(4, Bins.log2(3, 2));
        assertEquals(2, Bins.gap(1_000_000));
        assertEquals(19, Bins.gap(1_000_000_000));
        assertThrows(IllegalArgumentException.class, () -> Bins.log2(Double.NaN, 1));
    }

    @Test
    void naiveBayesByHand() {
        NaiveBayes model = new NaiveBayes.Builder(1)
                .add("ping", new int[] {29}, new int[0])
                .add("ping", new int[] {29}, new int[0])
                .add("inv", new int[] {58}, new int[0])
                .add("inv", new int[] {94}, new int[0])
                .add("inv", new int[] {58}, new int[0])
                .build(1);
        assertEquals("ping", model.predict(new int[] {29}, new int[0]));
        assertEquals("inv", model.predict(new int[] {94}, new int[0]));
        // Unseen sizes take the nearest seen one (the lower on a tie).
        assertEquals("ping", model.predict(new int[] {30}, new int[0]));
        assertEquals("ping", model.predict(new int[] {1}, new int[0]));
        assertEquals("inv", model.predict(new int[] {60}, new int[0]));
        // Vocabulary 3, alpha 1: P(29|ping) = 3/5, P(29|inv) = 1/6; priors 2/5 and 3/5.
        double expected = Math.log(0.4 * 0.6) - Math.log(0.6 / 6);
        assertEquals(expected, model.logOdds("ping", "inv", new int[] {29}, new int[0]), 1e-12);
    }

    @Test
    void naiveBayesTokensCountPresenceAndIgnoreUnseen() {
        NaiveBayes model = new NaiveBayes.Builder(0)
                .add("block", new int[0], new int[] {103, 500})
                .add("quiet", new int[0], new int[] {58})
                .build(1);
        // P(103 present | block) = 2/3, | quiet = 1/3; similarly for the others.
        double withHeaders = model.logOdds("block", "quiet", new int[0], new int[] {103});
        double without = model.logOdds("block", "quiet", new int[0], new int[0]);
        assertEquals(2 * Math.log(2), withHeaders - without, 1e-12);
        assertEquals(without, model.logOdds("block", "quiet", new int[0], new int[] {999}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> model.logOdds("block", "nope", new int[0], new int[0]));
    }

    @Test
    void naiveBayesRefusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new NaiveBayes.Builder(1).build(1));
        assertThrows(IllegalArgumentException.class,
                () -> new NaiveBayes.Builder(1).add("a", new int[] {1}, new int[0]).build(0));
        assertThrows(IllegalArgumentException.class,
                () -> new NaiveBayes.Builder(1).add("a", new int[] {1, 2}, new int[0]));
    }
}

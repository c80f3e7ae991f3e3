package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;
import org.junit.jupiter.api.Test;

/** The RANDOM strategies draw the reference's sizes: in range, covering the range, with a plausible mean. */
class RandomStrategiesTest {

    private static final TrafficConfig RANDOM_BOTH = TrafficConfig.builder()
            .padding(PaddingStrategy.RANDOM).decoys(DecoyStrategy.RANDOM).build();

    @Test
    void paddingDecoysAreUniformOver1To1024() {
        TrafficShaper shaper = new TrafficShaper(RANDOM_BOTH, new FakeClock(0), new SplittableRandom(1));
        shaper.handshake();
        int draws = 100_000;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        long sum = 0;
        for (int i = 0; i < draws; i++) {
            Flush flush = shaper.onGenuine(100);
            assertEquals(2, flush.items().size(), "one genuine packet and one padding decoy");
            int length = assertInstanceOf(WireItem.Decoy.class, flush.items().get(1)).contentsLength();
            assertTrue(length >= 1 && length <= 1024, "padding decoy of " + length + " bytes");
            min = Math.min(min, length);
            max = Math.max(max, length);
            sum += length;
        }
        assertEquals(1, min);
        assertEquals(1024, max);
        assertMeanPlausible(sum, draws, 1, 1024);
    }

    @Test
    void handshakeGarbageIsUniformOver0To4095() {
        RandomGenerator random = new SplittableRandom(2);
        int draws = 50_000;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        long sum = 0;
        for (int i = 0; i < draws; i++) {
            int garbage = new TrafficShaper(RANDOM_BOTH, new FakeClock(0), random).handshake().garbageLength();
            assertTrue(garbage >= 0 && garbage <= ProtocolLimits.MAX_GARBAGE_LENGTH, "garbage of " + garbage);
            min = Math.min(min, garbage);
            max = Math.max(max, garbage);
            sum += garbage;
        }
        assertEquals(0, min);
        assertEquals(4095, max);
        assertMeanPlausible(sum, draws, 0, 4095);
    }

    @Test
    void handshakeHasZeroToThreeDecoysOf1To1024Bytes() {
        RandomGenerator random = new SplittableRandom(3);
        int draws = 20_000;
        int[] byCount = new int[4];
        int minLength = Integer.MAX_VALUE;
        int maxLength = Integer.MIN_VALUE;
        for (int i = 0; i < draws; i++) {
            HandshakeShape shape = new TrafficShaper(RANDOM_BOTH, new FakeClock(0), random).handshake();
            int count = shape.decoyLengthsBeforeVersion().size();
            assertTrue(count >= 0 && count <= 3, count + " handshake decoys");
            byCount[count]++;
            for (int length : shape.decoyLengthsBeforeVersion()) {
                assertTrue(length >= 1 && length <= 1024, "handshake decoy of " + length + " bytes");
                minLength = Math.min(minLength, length);
                maxLength = Math.max(maxLength, length);
            }
        }
        double expected = draws / 4.0;
        double sigma = Math.sqrt(draws * 0.25 * 0.75);
        for (int count = 0; count <= 3; count++) {
            assertTrue(Math.abs(byCount[count] - expected) < 5 * sigma,
                    count + " decoys drawn " + byCount[count] + " times, expected about " + expected);
        }
        assertEquals(1, minLength);
        assertEquals(1024, maxLength);
    }

    @Test
    void randomDecoysAloneAddNoGarbageAndRandomPaddingAloneAddsNoHandshakeDecoys() {
        RandomGenerator random = new SplittableRandom(4);
        TrafficConfig decoysOnly = TrafficConfig.builder().decoys(DecoyStrategy.RANDOM).build();
        TrafficConfig paddingOnly = TrafficConfig.builder().padding(PaddingStrategy.RANDOM).build();
        boolean sawDecoys = false;
        boolean sawGarbage = false;
        for (int i = 0; i < 100; i++) {
            HandshakeShape fromDecoys = new TrafficShaper(decoysOnly, new FakeClock(0), random).handshake();
            assertEquals(0, fromDecoys.garbageLength());
            sawDecoys |= !fromDecoys.decoyLengthsBeforeVersion().isEmpty();
            HandshakeShape fromPadding = new TrafficShaper(paddingOnly, new FakeClock(0), random).handshake();
            assertEquals(0, fromPadding.decoyLengthsBeforeVersion().size());
            sawGarbage |= fromPadding.garbageLength() > 0;
        }
        assertTrue(sawDecoys && sawGarbage);
    }

    @Test
    void tunedRandomPaddingStaysInItsRange() {
        TrafficConfig config = TrafficConfig.builder().padding(new RandomPadding(200, 210, 16)).build();
        TrafficShaper shaper = new TrafficShaper(config, new FakeClock(0), new SplittableRandom(5));
        assertTrue(shaper.handshake().garbageLength() <= 16);
        boolean[] seen = new boolean[11];
        for (int i = 0; i < 1000; i++) {
            int length = ((WireItem.Decoy) shaper.onGenuine(1).items().get(1)).contentsLength();
            assertTrue(length >= 200 && length <= 210, "padding decoy of " + length + " bytes");
            seen[length - 200] = true;
        }
        for (boolean s : seen) {
            assertTrue(s, "every length of 200..210 is drawn");
        }
    }

    /** Uniform over min..max: the sample mean is within 5 standard errors of (min + max) / 2. */
    private static void assertMeanPlausible(long sum, int draws, int min, int max) {
        double mean = (double) sum / draws;
        double n = max - min + 1.0;
        double standardError = Math.sqrt((n * n - 1) / 12.0 / draws);
        double expected = (min + max) / 2.0;
        assertTrue(Math.abs(mean - expected) < 5 * standardError,
                "mean " + mean + " is not within 5 sigma of " + expected);
    }
}

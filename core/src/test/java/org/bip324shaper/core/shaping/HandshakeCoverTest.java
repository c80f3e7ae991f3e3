package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;
import org.junit.jupiter.api.Test;

/** The handshake cover: Core-like garbage, optional small decoys, attached to any padding strategy. */
class HandshakeCoverTest {

    @Test
    void coreLikeGarbageIsUniformOver0To4095WithoutDecoys() {
        RandomGenerator random = new SplittableRandom(70);
        int draws = 50_000;
        long sum = 0;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < draws; i++) {
            HandshakeShape shape = HandshakeCover.CORE_LIKE.draw(random);
            assertEquals(List.of(), shape.decoyLengthsBeforeVersion());
            min = Math.min(min, shape.garbageLength());
            max = Math.max(max, shape.garbageLength());
            sum += shape.garbageLength();
        }
        assertEquals(0, min);
        assertEquals(4095, max);
        double standardError = 4096 / Math.sqrt(12) / Math.sqrt(draws);
        assertEquals(HandshakeCover.CORE_LIKE.expectedBytes(), (double) sum / draws, 5 * standardError);
        assertEquals(2047.5, HandshakeCover.CORE_LIKE.expectedBytes(), 0.0);
        assertEquals(4095, HandshakeCover.CORE_LIKE.maxBytes());
    }

    @Test
    void lightAddsZeroToTwoSmallDecoys() {
        RandomGenerator random = new SplittableRandom(71);
        int draws = 30_000;
        int[] byCount = new int[3];
        long bytes = 0;
        boolean sawShortest = false;
        boolean sawLongest = false;
        for (int i = 0; i < draws; i++) {
            HandshakeShape shape = HandshakeCover.LIGHT.draw(random);
            byCount[shape.decoyLengthsBeforeVersion().size()]++;
            bytes += shape.garbageLength();
            for (int length : shape.decoyLengthsBeforeVersion()) {
                assertTrue(length >= 1 && length <= 64);
                sawShortest |= length == 1;
                sawLongest |= length == 64;
                bytes += length + ProtocolLimits.PACKET_OVERHEAD;
            }
            assertTrue(HandshakeCover.LIGHT.maxBytes() >= shape.garbageLength() + shape.decoyBytes()
                    + 20L * shape.decoyLengthsBeforeVersion().size());
        }
        assertTrue(sawShortest && sawLongest);
        for (int count : byCount) {
            double sigma = Math.sqrt(draws / 3.0 * 2 / 3);
            assertTrue(Math.abs(count - draws / 3.0) < 5 * sigma, count + " draws");
        }
        assertEquals(HandshakeCover.LIGHT.expectedBytes(), (double) bytes / draws, 20);
        assertEquals(4095 + 2 * 84, HandshakeCover.LIGHT.maxBytes());
    }

    @Test
    void coverReplacesTheHandshakeAndLeavesThePaddingAlone() {
        PaddingStrategy covered = new HandshakeCover(100, 100, 1, 1, 7, 7).around(new BucketedPadding(128));
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(covered).build(), new FakeClock(0),
                new SplittableRandom(72));
        assertEquals(new HandshakeShape(100, List.of(7)), shaper.handshake());
        assertEquals(128, SimulatedDriver.wireBytes(shaper.onGenuine(9), 9), "still bucketed");

        PaddingStrategy coveredTicker = HandshakeCover.CORE_LIKE.around(new TickerPadding(List.of(64),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1)));
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(coveredTicker).build(), 73, 0);
        assertEquals(Flush.EMPTY, driver.genuineAt(10, 9), "still held for the tick");
        driver.runUntil(2_000_000_000L);
        assertEquals(List.of(64, 64), driver.writes.stream().map(SimulatedDriver.Write::bytes).toList());
        assertEquals(1_000_000_000L, driver.releases.get(0).releasedNanos(), "released on the first tick");
    }

    @Test
    void rejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(-1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 4096, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(10, 9, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 0, 0, 33, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 0, 2, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 0, 0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 0, 0, 0, 0, 4097));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeCover(0, 0, 0, 0, 5, 4));
        assertThrows(NullPointerException.class, () -> HandshakeCover.LIGHT.around(null));
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** RANDOM background decoys over simulated time: a tick every 100 ms, a decoy on about 15% of them. */
class TickSchedulingTest {

    private static final long START = 5_000_000_000L;
    private static final long TICK = Duration.ofMillis(100).toNanos();

    @Test
    void simulatedHourOfRandomDecoys() {
        FakeClock clock = new FakeClock(START);
        TrafficConfig config = TrafficConfig.builder().decoys(DecoyStrategy.RANDOM).build();
        TrafficShaper shaper = new TrafficShaper(config, clock, new SplittableRandom(8));
        shaper.handshake();

        long end = START + Duration.ofHours(1).toNanos();
        long previous = START;
        int ticks = 0;
        int decoys = 0;
        int minLength = Integer.MAX_VALUE;
        int maxLength = Integer.MIN_VALUE;
        while (shaper.nextDeadlineNanos() <= end) {
            long deadline = shaper.nextDeadlineNanos();
            assertEquals(TICK, deadline - previous, "ticks are 100 ms apart");
            clock.set(deadline);
            Flush flush = shaper.onTick();
            ticks++;
            assertEquals(0, flush.genuineCount());
            assertTrue(flush.decoyCount() <= 1, "at most one decoy per tick");
            for (WireItem item : flush.items()) {
                int length = ((WireItem.Decoy) item).contentsLength();
                assertTrue(length >= 1 && length <= 1024, "decoy of " + length + " bytes");
                minLength = Math.min(minLength, length);
                maxLength = Math.max(maxLength, length);
                decoys++;
            }
            previous = deadline;
        }

        assertEquals(36_000, ticks);
        double expected = 36_000 * 0.15;
        double sigma = Math.sqrt(36_000 * 0.15 * 0.85);
        assertTrue(Math.abs(decoys - expected) < 5 * sigma, decoys + " decoys, expected about " + expected);
        assertTrue(minLength <= 5 && maxLength >= 1020, "decoy lengths " + minLength + ".." + maxLength);
    }

    @Test
    void earlyTickDoesNothingAndLateTickDoesNotCatchUp() {
        FakeClock clock = new FakeClock(START);
        DecoyStrategy always = new RandomDecoys(Duration.ofMillis(100), 1.0, 7, 7, 0);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().decoys(always).build(), clock,
                new SplittableRandom(9));
        shaper.handshake();
        assertEquals(START + TICK, shaper.nextDeadlineNanos());

        clock.set(START + TICK - 1);
        assertEquals(Flush.EMPTY, shaper.onTick(), "a spurious early wake-up writes nothing");
        assertEquals(START + TICK, shaper.nextDeadlineNanos(), "and keeps the deadline");

        clock.set(START + TICK);
        assertEquals(Flush.of(new WireItem.Decoy(7)), shaper.onTick());

        long late = START + 20 * TICK + 3;
        clock.set(late);
        assertEquals(Flush.of(new WireItem.Decoy(7)), shaper.onTick(), "one decoy, not 19 catch-up decoys");
        assertEquals(late + TICK, shaper.nextDeadlineNanos(), "the schedule restarts from the late tick");
    }

    @Test
    void zeroProbabilityTicksButNeverSendsAndGenuinePacketsDoNotMoveTheSchedule() {
        FakeClock clock = new FakeClock(START);
        DecoyStrategy never = new RandomDecoys(Duration.ofMillis(250), 0.0, 1, 1024, 0);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().decoys(never).build(), clock,
                new SplittableRandom(10));
        shaper.handshake();
        long tick = Duration.ofMillis(250).toNanos();
        for (int i = 1; i <= 100; i++) {
            assertEquals(Flush.of(WireItem.GENUINE), shaper.onGenuine(50));
            assertEquals(START + i * tick, shaper.nextDeadlineNanos());
            clock.set(shaper.nextDeadlineNanos());
            assertTrue(shaper.onTick().isEmpty());
        }
    }
}

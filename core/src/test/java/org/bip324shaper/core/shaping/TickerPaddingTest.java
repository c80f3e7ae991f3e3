package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** TICKER: fixed-size writes on randomized ticks, bounded latency, large packets bypass, a bounded budget. */
class TickerPaddingTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 7 * SECOND;
    private static final List<Integer> SIZES = List.of(80, 256, 1024);
    private static final TickerPadding TICKER = new TickerPadding(SIZES, Duration.ofSeconds(1), Duration.ofSeconds(2));

    /**
     * Six simulated hours of a busy connection: pings every 120 s, an inv trickle, bursts of transactions, blocks
     * served now and then. Every tick write has one of the fixed sizes, no packet waits longer than maxDelay, and
     * everything that bypasses the ticks is a Padme bucket at least as large as the largest size.
     */
    @Test
    void hoursOfTrafficKeepSizesFixedAndDelaysBounded() {
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(TICKER).build(), 50, START);
        SplittableRandom traffic = new SplittableRandom(51);
        long end = START + 6 * 3600 * SECOND;
        long nextPing = START + 120 * SECOND;
        long t = START;
        int bypassed = 0;
        while (t < end) {
            t += (long) (-Math.log(1 - traffic.nextDouble()) * 0.7 * SECOND); // ~1.4 packets a second
            if (t >= nextPing) {
                driver.genuineAt(nextPing, 9); // ping: 8-byte nonce + 1 type byte
                nextPing += 120 * SECOND;
            }
            int contents = pickContents(traffic);
            Flush flush = driver.genuineAt(t, contents);
            if (!flush.isEmpty()) {
                bypassed++;
            }
        }
        driver.runUntil(end + 3 * SECOND);
        assertEquals(0, driver.held(), "everything released in the end");

        long maxDelay = TICKER.maxDelay().toNanos();
        long worst = 0;
        for (SimulatedDriver.Release release : driver.releases) {
            long waited = release.releasedNanos() - release.queuedNanos();
            worst = Math.max(worst, waited);
            assertTrue(waited <= maxDelay, "held " + waited + " ns");
        }
        assertTrue(worst > maxDelay * 9 / 10, "the bound is nearly reached: worst wait " + worst);

        SizeBuckets bypass = new SizeBuckets(TICKER.capacity());
        int tickWrites = 0;
        for (SimulatedDriver.Write write : driver.writes) {
            if (write.fromTick()) {
                tickWrites++;
                assertTrue(SIZES.contains(write.bytes()), "tick write of " + write.bytes() + " bytes");
            } else {
                assertTrue(write.bytes() >= TICKER.capacity() && bypass.isBucket(write.bytes()),
                        "bypass write of " + write.bytes() + " bytes");
            }
        }
        assertEquals(driver.ticks, tickWrites, "every tick writes, busy or idle");
        assertTrue(bypassed > 100, bypassed + " bypass writes");
        for (int size : SIZES) {
            assertTrue(driver.writes.stream().anyMatch(w -> w.fromTick() && w.bytes() == size), "size " + size);
        }
        assertTrue(driver.tickDecoyWireBytes <= TICKER.maxTickDecoyBytesPerDay() / 4, "six hours within the cap");
    }

    /** Mostly small messages, some transactions, now and then a compact block or a served block. */
    private static int pickContents(SplittableRandom traffic) {
        double p = traffic.nextDouble();
        if (p < 0.6) {
            return 1 + 37; // inv / getdata of one item
        }
        if (p < 0.9) {
            return 1 + traffic.nextInt(150, 600); // a transaction
        }
        if (p < 0.99) {
            return 1 + 37 * traffic.nextInt(2, 30); // a bigger inv
        }
        return 1 + traffic.nextInt(10_000, 1_500_000); // compact block or block
    }

    @Test
    void ticksAreUniformlySpacedWhateverTheTraffic() {
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(TICKER).build(), 52, START);
        long previous = START;
        long end = START + 3600 * SECOND;
        long minGap = Long.MAX_VALUE;
        long maxGap = 0;
        double sum = 0;
        int gaps = 0;
        while (driver.shaper.nextDeadlineNanos() <= end) {
            long deadline = driver.shaper.nextDeadlineNanos();
            long gap = deadline - previous;
            assertTrue(gap >= SECOND && gap <= 2 * SECOND, "gap " + gap);
            minGap = Math.min(minGap, gap);
            maxGap = Math.max(maxGap, gap);
            sum += gap;
            gaps++;
            if (gaps % 3 == 0) {
                driver.genuineAt(deadline - SECOND / 2, 30); // genuine traffic must not move the schedule
            }
            driver.runUntil(deadline);
            previous = deadline;
        }
        double mean = sum / gaps;
        double sigma = SECOND / Math.sqrt(12) / Math.sqrt(gaps);
        assertTrue(Math.abs(mean - 1.5 * SECOND) < 5 * sigma, "mean gap " + mean);
        assertTrue(minGap < 1.01 * SECOND && maxGap > 1.99 * SECOND, "gaps " + minGap + ".." + maxGap);
    }

    @Test
    void idleDayCostsTheDocumentedBudget() {
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(TICKER).build(), 53, START);
        driver.runUntil(START + 24 * 3600 * SECOND);
        double expected = TICKER.idleBytesPerDay();
        assertEquals(86_400.0 / 1.5 * 80, expected, 1e-6);
        // Uniform(1 s, 2 s) gaps: the tick count over a day has sd about sqrt(n) * cv, cv = (1/sqrt(12)) / 1.5
        double ticks = 86_400 / 1.5;
        double sigmaBytes = Math.sqrt(ticks) * (1 / Math.sqrt(12) / 1.5) * 80;
        assertTrue(Math.abs(driver.decoyWireBytes - expected) < 5 * sigmaBytes,
                driver.decoyWireBytes + " decoy bytes, expected " + expected);
        assertTrue(driver.decoyWireBytes <= TICKER.maxTickDecoyBytesPerDay());
        assertTrue(driver.writes.stream().allMatch(w -> w.bytes() == 80));
        assertEquals(0, driver.genuineWireBytes);
    }

    @Test
    void aBusyDayStaysUnderTheHardCap() {
        // The worst case for tick decoys: something tiny held at every tick, so every tick is a full write.
        TickerPadding oneSize = new TickerPadding(List.of(1024), Duration.ofMillis(500), Duration.ofMillis(700));
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(oneSize).build(), 54, START);
        long end = START + 24 * 3600 * SECOND;
        for (long t = START; t < end; t += 400_000_000L) {
            driver.genuineAt(t, 0);
        }
        driver.runUntil(end);
        assertTrue(driver.tickDecoyWireBytes > 0.5 * oneSize.maxTickDecoyBytesPerDay(), "the cap is approached");
        assertTrue(driver.tickDecoyWireBytes <= oneSize.maxTickDecoyBytesPerDay(),
                driver.tickDecoyWireBytes + " > cap " + oneSize.maxTickDecoyBytesPerDay());
    }

    @Test
    void heldPacketsGoOutTogetherInTheSmallestSizeThatFits() {
        FakeClock clock = new FakeClock(0);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(TICKER).build(), clock,
                new SplittableRandom(55));
        shaper.handshake();
        assertEquals(Flush.EMPTY, shaper.onGenuine(9)); // 29 wire
        assertEquals(Flush.EMPTY, shaper.onGenuine(38)); // 58 wire: 87 held, too much for 80
        assertEquals(2, shaper.heldGenuine());
        clock.set(shaper.nextDeadlineNanos());
        Flush tick = shaper.onTick();
        assertEquals(List.of(WireItem.GENUINE, WireItem.GENUINE, new WireItem.Decoy(256 - 87 - 20)), tick.items());

        // exactly 80 held: no decoy needed
        shaper.onGenuine(60);
        clock.set(shaper.nextDeadlineNanos());
        assertEquals(List.of(WireItem.GENUINE), shaper.onTick().items());

        // 61..79 held cannot be filled to 80: 256 it is
        shaper.onGenuine(50);
        clock.set(shaper.nextDeadlineNanos());
        assertEquals(List.of(WireItem.GENUINE, new WireItem.Decoy(256 - 70 - 20)), shaper.onTick().items());
    }

    @Test
    void overflowReleasesEverythingAtOnceInABucket() {
        FakeClock clock = new FakeClock(0);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(TICKER).build(), clock,
                new SplittableRandom(56));
        shaper.handshake();
        assertEquals(Flush.EMPTY, shaper.onGenuine(500));
        assertEquals(Flush.EMPTY, shaper.onGenuine(400)); // 940 held
        Flush overflow = shaper.onGenuine(100); // 1060: over capacity
        assertEquals(3, overflow.genuineCount());
        assertEquals(0, shaper.heldGenuine());
        long total = SimulatedDriver.wireBytes(overflow, 500, 400, 100);
        assertEquals(new SizeBuckets(1024).sizeFor(1060), total);

        Flush huge = shaper.onGenuine(2_000_000);
        assertEquals(Padme.pad(2_000_020), SimulatedDriver.wireBytes(huge, 2_000_000));
    }

    @Test
    void rejectsBadKnobs() {
        Duration s = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(List.of(), s, s));
        assertThrows(IllegalArgumentException.class,
                () -> new TickerPadding(List.of(20, 30, 40, 50, 60, 70, 80, 90, 100), s, s));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(List.of(19), s, s));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(List.of(TickerPadding.MAX_WRITE_SIZE + 1),
                s, s));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(List.of(100, 100), s, s));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(List.of(200, 100), s, s));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(SIZES, Duration.ZERO, s));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(SIZES, s, Duration.ofMillis(999)));
        assertThrows(IllegalArgumentException.class, () -> new TickerPadding(SIZES, s, Duration.ofMinutes(2)));
        assertThrows(NullPointerException.class, () -> new TickerPadding(SIZES, null, s));
        assertEquals(List.of(20), new TickerPadding(List.of(20), s, s).writeSizes());
    }

    /**
     * Cover ticks: an idle tick is raised to the cover size with the cover probability, so idle ticks show the
     * cover size about that often; a tick that must carry a message of the cover size looks like any cover tick;
     * the documented idle cost follows.
     */
    @Test
    void coverTicksRaiseIdleTicksToTheCoverSizeWithTheirProbability() {
        TickerPadding covered = new TickerPadding(List.of(29, 80, 416), Duration.ofSeconds(2),
                Duration.ofMillis(2900), BurstEnvelope.NONE, 416, 0.6);
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(covered).build(), 52, START);
        long end = START + 6 * 3600 * SECOND;
        driver.runUntil(end);
        long cover = driver.writes.stream().filter(w -> w.fromTick() && w.bytes() == 416).count();
        long small = driver.writes.stream().filter(w -> w.fromTick() && w.bytes() == 29).count();
        assertEquals(driver.ticks, cover + small, "idle ticks are the smallest size or the cover size");
        double share = (double) cover / driver.ticks;
        double sigma = Math.sqrt(0.6 * 0.4 / driver.ticks);
        assertTrue(Math.abs(share - 0.6) < 4 * sigma, "cover share " + share + " of " + driver.ticks + " ticks");
        double perDay = (29 * small + 416.0 * cover) / 6 * 24;
        assertEquals(covered.idleBytesPerDay(), perDay, 0.03 * perDay, "documented idle cost");

        // A payment-sized packet goes in the next tick, at the cover size, never later than maxDelay.
        SimulatedDriver busy = new SimulatedDriver(TrafficConfig.builder().padding(covered).build(), 53, START);
        long t = START + 10 * SECOND;
        busy.genuineAt(t, 372 - 20);
        busy.runUntil(t + 3 * SECOND);
        SimulatedDriver.Release release = busy.releases.get(busy.releases.size() - 1);
        assertTrue(release.releasedNanos() - t <= covered.maxDelay().toNanos());
        assertTrue(busy.writes.stream().filter(w -> w.fromTick()).allMatch(w -> w.bytes() == 29 || w.bytes() == 416),
                "the payment's tick has the cover size");
    }

    @Test
    void coverParsesFormatsAndIsValidated() {
        TrafficConfig c = ShapingStrategies.parse("ticker:sizes=29/80/416,min=2s,max=2900ms,cover=416@0.6");
        TickerPadding t = (TickerPadding) c.padding();
        assertEquals(416, t.coverSize());
        assertEquals(0.6, t.coverProbability());
        assertEquals(t, ShapingStrategies.parse(t.toString()).padding(), "round trip through toString");
        assertEquals(0, ((TickerPadding) ShapingStrategies.parse("ticker:sizes=80/160").padding()).coverSize());
        Duration s = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class,
                () -> new TickerPadding(List.of(29, 80), s, s, BurstEnvelope.NONE, 100, 0.5), "not a write size");
        assertThrows(IllegalArgumentException.class,
                () -> new TickerPadding(List.of(29, 80), s, s, BurstEnvelope.NONE, 80, 1.5), "probability");
        assertThrows(IllegalArgumentException.class,
                () -> new TickerPadding(List.of(29, 80), s, s, BurstEnvelope.NONE, 0, 0.5), "no size, no p");
        assertThrows(IllegalArgumentException.class,
                () -> ShapingStrategies.parse("ticker:sizes=29/80,cover=80"), "SIZE@P");
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bip324shaper.core.shaping.TrafficStats.Kind;
import org.bip324shaper.core.shaping.TrafficStats.Totals;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {

    @Test
    void countsBytesAndPacketsPerKindAndDirection() {
        FakeClock clock = new FakeClock(1_000);
        TrafficStats stats = new TrafficStats(clock);
        stats.recordWrite(Kind.HANDSHAKE, 64);
        stats.recordWrite(Kind.GARBAGE, 1000);
        stats.recordWrite(Kind.HANDSHAKE, 16 + 20);
        stats.recordWrite(Kind.GENUINE, 120);
        stats.recordWrite(Kind.DECOY, 520);
        stats.recordWrite(Kind.GENUINE, 40);
        stats.recordRead(Kind.HANDSHAKE, 100);
        stats.recordRead(Kind.GENUINE, 500);
        stats.recordRead(Kind.DECOY, 21);

        TrafficStats.Snapshot snapshot = stats.snapshot();
        assertEquals(new Totals(160, 2, 520, 1, 1000, 100), snapshot.written());
        assertEquals(new Totals(500, 1, 21, 1, 0, 100), snapshot.read());
        assertEquals(1780, snapshot.written().totalBytes());
        assertEquals(1620, snapshot.written().overheadBytes());
        assertEquals(621, snapshot.read().totalBytes());
        assertEquals(1780.0 / 621, snapshot.writtenReadRatio().getAsDouble(), 1e-12);
        assertEquals(snapshot.writtenReadRatio(), stats.writtenReadRatio());
    }

    @Test
    void ratioIsEmptyUntilSomethingIsRead() {
        TrafficStats stats = new TrafficStats(new FakeClock(0));
        assertEquals(OptionalDouble.empty(), stats.writtenReadRatio());
        stats.recordWrite(Kind.GENUINE, 100);
        assertEquals(OptionalDouble.empty(), stats.writtenReadRatio());
        stats.recordRead(Kind.GENUINE, 400);
        assertEquals(0.25, stats.writtenReadRatio().getAsDouble(), 0.0);
    }

    @Test
    void tracksTimeSinceLastActivity() {
        FakeClock clock = new FakeClock(10_000);
        TrafficStats stats = new TrafficStats(clock);
        assertEquals(Duration.ZERO, stats.sinceLastActivity());
        clock.advance(Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(3), stats.sinceLastActivity(), "creation counts as activity");
        stats.recordRead(Kind.DECOY, 20);
        assertEquals(10_000 + Duration.ofSeconds(3).toNanos(), stats.lastActivityNanos());
        clock.advance(Duration.ofMillis(250));
        assertEquals(Duration.ofMillis(250), stats.sinceLastActivity());
        assertEquals(Duration.ofMillis(250), stats.snapshot().sinceLastActivity());
        stats.recordWrite(Kind.GENUINE, 20);
        assertEquals(Duration.ZERO, stats.sinceLastActivity());
    }

    @Test
    void rejectsBadRecords() {
        TrafficStats stats = new TrafficStats(new FakeClock(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stats.recordWrite(Kind.GENUINE, -1));
        assertTrue(e.getMessage().contains("negative"));
        assertThrows(NullPointerException.class, () -> stats.recordRead(null, 1));
        assertEquals(0, stats.snapshot().written().totalBytes() + stats.snapshot().read().totalBytes());
    }

    @Test
    void countsAreExactUnderConcurrentRecording() throws Exception {
        FakeClock clock = new FakeClock(0);
        TrafficStats stats = new TrafficStats(clock);
        int threads = 4;
        int rounds = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int bytes = t + 1;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        stats.recordWrite(Kind.GENUINE, bytes);
                        stats.recordWrite(Kind.DECOY, 2 * bytes);
                        stats.recordRead(Kind.GENUINE, 3 * bytes);
                        stats.recordRead(Kind.GARBAGE, 1);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long sumOfBytes = (long) rounds * (1 + 2 + 3 + 4);
        TrafficStats.Snapshot snapshot = stats.snapshot();
        assertEquals(new Totals(sumOfBytes, (long) threads * rounds, 2 * sumOfBytes, (long) threads * rounds, 0, 0),
                snapshot.written());
        assertEquals(new Totals(3 * sumOfBytes, (long) threads * rounds, 0, 0, (long) threads * rounds, 0),
                snapshot.read());
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A writer thread and a decoy thread share one shaper, as a blocking driver does. */
class ConcurrentShaperTest {

    @Test
    void writerAndDecoyThreadsShareAShaper() throws Exception {
        FakeClock clock = new FakeClock(0);
        DecoyStrategy everyTick = new RandomDecoys(Duration.ofMillis(1), 1.0, 5, 5, 0);
        TrafficConfig config = TrafficConfig.builder().padding(PaddingStrategy.RANDOM).decoys(everyTick).build();
        TrafficShaper shaper = new TrafficShaper(config, clock, new SplittableRandom(22));
        shaper.handshake();
        int packets = 50_000;
        int ticks = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<long[]> writer = pool.submit(() -> {
                start.await();
                long genuine = 0;
                long decoys = 0;
                for (int i = 0; i < packets; i++) {
                    Flush flush = shaper.onGenuine(i % 2000);
                    genuine += flush.genuineCount();
                    decoys += flush.decoyCount();
                }
                return new long[] {genuine, decoys};
            });
            Future<long[]> ticker = pool.submit(() -> {
                start.await();
                long genuine = 0;
                long decoys = 0;
                for (int i = 0; i < ticks; i++) {
                    clock.set(shaper.nextDeadlineNanos());
                    Flush flush = shaper.onTick();
                    genuine += flush.genuineCount();
                    decoys += flush.decoyCount();
                }
                return new long[] {genuine, decoys};
            });
            start.countDown();
            long[] written = writer.get(60, TimeUnit.SECONDS);
            long[] ticked = ticker.get(60, TimeUnit.SECONDS);
            assertEquals(packets, written[0], "every genuine packet released exactly once, by the writer");
            assertEquals(packets, written[1], "one padding decoy each");
            assertEquals(0, ticked[0], "ticks release no genuine packet under RANDOM padding");
            assertEquals(ticks, ticked[1], "one background decoy per tick");
            assertEquals(0, shaper.heldGenuine());
            assertTrue(shaper.nextDeadlineNanos() > clock.nanoTime());
        } finally {
            pool.shutdownNow();
        }
    }
}

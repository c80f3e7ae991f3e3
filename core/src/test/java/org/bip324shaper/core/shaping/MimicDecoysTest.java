package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** MIMIC: Poisson episodes at the configured rate, copying learned block episodes, under a hard byte cap. */
class MimicDecoysTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long HOUR = 3600 * SECOND;
    private static final long START = 11 * SECOND;
    private static final Duration QUIET = Duration.ofSeconds(2);

    private static MimicDecoys mimic(double rate, long minWrite, long maxEpisode, long perHour, int defaultBytes) {
        return new MimicDecoys(rate, QUIET, 16_384, minWrite, maxEpisode, perHour,
                List.of(new MimicDecoys.Step(Duration.ZERO, List.of(defaultBytes))));
    }

    @Test
    void episodesFollowThePoissonRate() {
        MimicDecoys strategy = mimic(6, 0, 65_536, 1 << 20, 128);
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().decoys(strategy).build(), 60, START);
        int hours = 1000;
        driver.runUntil(START + hours * HOUR);

        List<Long> times = new ArrayList<>();
        for (SimulatedDriver.Write write : driver.writes) {
            assertEquals(128, write.bytes(), "the default shape");
            times.add(write.timeNanos());
        }
        int n = times.size();
        double expected = 6.0 * hours;
        assertTrue(Math.abs(n - expected) < 5 * Math.sqrt(expected), n + " episodes, expected " + expected);
        double expectedBytes = strategy.expectedBytesPerDay(128) * hours / 24;
        assertEquals(expectedBytes, driver.decoyWireBytes, 5 * Math.sqrt(expected) * 128, "documented budget");

        // Exponential gaps: half below mean x ln 2, about 9.5% below a tenth of the mean, 5% above 3 means.
        double mean = 600.0 * SECOND;
        int belowMedian = 0;
        int belowTenth = 0;
        int aboveThree = 0;
        long previous = START;
        for (long time : times) {
            long gap = time - previous;
            belowMedian += gap < mean * Math.log(2) ? 1 : 0;
            belowTenth += gap < mean / 10 ? 1 : 0;
            aboveThree += gap > mean * 3 ? 1 : 0;
            previous = time;
        }
        assertFraction(belowMedian, n, 0.5);
        assertFraction(belowTenth, n, 1 - Math.exp(-0.1));
        assertFraction(aboveThree, n, Math.exp(-3));
    }

    private static void assertFraction(int count, int n, double p) {
        double sigma = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - n * p) < 5 * sigma, count + " of " + n + ", expected about " + n * p);
    }

    @Test
    void hardCapHoldsOverASimulatedDay() {
        // Asks for an episode of 4 KiB every second (14.7 MB/h); the bucket allows 64 KiB/h.
        MimicDecoys strategy = mimic(3600, 0, 4096, 65_536, 4096);
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().decoys(strategy).build(), 61, START);
        driver.runUntil(START + 24 * HOUR);
        long total = 0;
        long[] perHour = new long[24];
        for (SimulatedDriver.Write write : driver.writes) {
            total += write.bytes();
            perHour[(int) ((write.timeNanos() - START) / HOUR)] += write.bytes();
        }
        assertTrue(total <= strategy.maxBytesPerDay(), total + " > " + strategy.maxBytesPerDay());
        assertTrue(total >= 24 * 65_536 * 0.95, "the budget is used: " + total);
        long cumulative = 0;
        for (int h = 0; h < 24; h++) {
            cumulative += perHour[h];
            assertTrue(cumulative <= 65_536L * (h + 2), "first " + (h + 1) + " hours: " + cumulative);
            assertTrue(perHour[h] <= 2 * 65_536, "hour " + h + ": " + perHour[h]);
        }
    }

    /**
     * A block episode (headers in, getdata out, the block in, a large relay out) is learned from the shaped writes
     * and replayed exactly: same write sizes, same cuts, offsets stretched by 0.8..1.25.
     */
    @Test
    void learnsABlockEpisodeAndReplaysItsShapedWrites() {
        BucketedPadding padding = new BucketedPadding(new SizeBuckets(128), new BurstEnvelope(1024, 0, 3));
        MimicDecoys strategy = mimic(60, 0, 1 << 20, 1 << 22, 4000);
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(padding).decoys(strategy)
                .build(), 62, START);

        long block = START + 100 * SECOND;
        driver.inboundAt(block, 103);
        Flush getdata = driver.genuineAt(block + 5_000_000L, 38);
        for (int i = 1; i <= 20; i++) {
            driver.inboundAt(block + i * 10_000_000L, 16_384);
        }
        Flush relay = driver.genuineAt(block + 300_000_000L, 40_000);
        List<Integer> first = getdata.writeLengths((int) SimulatedDriver.wireBytes(getdata, 38));
        List<Integer> second = relay.writeLengths((int) SimulatedDriver.wireBytes(relay, 40_000));
        assertEquals(List.of(128), first);

        driver.runUntil(block + 10 * HOUR);
        long learnedBy = block + 300_000_000L + QUIET.toNanos();
        List<SimulatedDriver.Emitted> replays = driver.emitted.stream().filter(SimulatedDriver.Emitted::fromTick)
                .toList();
        List<Long> starts = new ArrayList<>();
        int episodes = 0;
        for (SimulatedDriver.Emitted e : replays) {
            if (e.timeNanos() < block) {
                assertEquals(List.of(4000), e.writeLengths(), "the default shape before anything was learned");
            } else if (e.timeNanos() > learnedBy) {
                if (e.writeLengths().equals(first)) {
                    starts.add(e.timeNanos());
                } else {
                    // the relay, cut the same way, 0.8..1.25 x 295 ms after an episode's getdata-like write
                    assertEquals(second, e.writeLengths(), "after learning, only copies of the episode's writes");
                    long t = e.timeNanos();
                    assertTrue(starts.stream().anyMatch(s -> t - s >= 236_000_000L && t - s <= 368_750_001L),
                            "relay copy at " + t + " follows a getdata copy by 236..369 ms");
                    episodes++;
                }
            }
        }
        assertTrue(Math.abs(starts.size() - episodes) <= 1, starts.size() + " starts, " + episodes + " relays");
        assertTrue(episodes > 450, episodes + " replayed episodes in 10 hours at 60/h");
    }

    @Test
    void pingsAndTrickleAreNotBlockEpisodes() {
        MimicDecoys strategy = mimic(30, 0, 65_536, 1 << 20, 999);
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(new BucketedPadding(128))
                .decoys(strategy).build(), 63, START);
        for (long t = START + SECOND; t < START + 4 * HOUR; t += 120 * SECOND) {
            driver.inboundAt(t, 29);
            driver.genuineAt(t + 1_000_000L, 9);
            driver.genuineAt(t + 60 * SECOND, 38);
        }
        Set<Integer> decoyWrites = new HashSet<>();
        driver.emitted.stream().filter(SimulatedDriver.Emitted::fromTick).forEach(e -> decoyWrites.addAll(
                e.writeLengths()));
        assertEquals(Set.of(999), decoyWrites, "only the default shape: nothing small was learned");
    }

    /**
     * Under a ticker, only the large writes of an episode are copied (the small ones already hide in ticks), and a
     * replay that falls due with a tick goes out as a write of its own.
     */
    @Test
    void withATickerCopiesOnlyLargeWritesAndNeverMergesWithATick() {
        TickerPadding ticker = new TickerPadding(List.of(80, 256, 1024), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        MimicDecoys strategy = mimic(120, 1025, 1 << 20, 1 << 22, 2048);
        FakeClock clock = new FakeClock(START);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(ticker).decoys(strategy).build(),
                clock, new SplittableRandom(64));
        shaper.handshake();

        // a block episode: headers in, getdata held for the next tick, the block in, a large relay out
        clock.set(START + 50 * SECOND);
        shaper.onTick(); // a late tick catches the schedules up to now
        shaper.onInbound(103);
        assertEquals(Flush.EMPTY, shaper.onGenuine(38));
        clock.set(shaper.nextDeadlineNanos());
        assertEquals(1, shaper.onTick().genuineCount());
        shaper.onInbound(200_000);
        Flush relay = shaper.onGenuine(30_000);
        int relayBytes = (int) SimulatedDriver.wireBytes(relay, 30_000);
        List<Integer> learned = relay.writeLengths(relayBytes);

        // a lazy driver: wakes every 5 s, so ticker and mimic are often due together
        Set<Integer> tickerSizes = Set.of(80, 256, 1024);
        int both = 0;
        int replays = 0;
        long from = clock.nanoTime() + QUIET.toNanos() + SECOND;
        for (long t = from; t < from + 20 * HOUR; t += 5 * SECOND) {
            clock.set(t);
            Flush flush = shaper.onTick();
            long total = SimulatedDriver.wireBytes(flush);
            List<Integer> writes = flush.writeLengths((int) total);
            assertTrue(tickerSizes.contains(writes.get(0)), "the tick write comes first, alone: " + writes);
            List<Integer> rest = writes.subList(1, writes.size());
            if (!rest.isEmpty()) {
                both++;
                for (int k = 0; k < rest.size(); k += learned.size()) {
                    assertEquals(learned, rest.subList(k, k + learned.size()), "a copy of the relay, as cut");
                    replays++;
                }
            }
        }
        assertTrue(both > 500 && replays >= both, both + " ticks carried " + replays + " replays");
    }

    @Test
    void longEpisodesAreTruncatedToMaxEpisodeBytes() {
        MimicDecoys strategy = mimic(60, 0, 10_000, 1 << 20, 5000);
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(PaddingStrategy.DISABLED)
                .decoys(strategy).build(), 65, START);
        long block = START + 10 * SECOND;
        driver.inboundAt(block, 50_000);
        for (int i = 0; i < 5; i++) {
            driver.genuineAt(block + i * 100_000_000L, 3980); // 4000-byte writes
        }
        driver.runUntil(block + 5 * HOUR);
        long learnedBy = block + 400_000_000L + QUIET.toNanos();
        List<SimulatedDriver.Emitted> after = driver.emitted.stream()
                .filter(e -> e.fromTick() && e.timeNanos() > learnedBy).toList();
        assertTrue(after.size() > 400);
        for (SimulatedDriver.Emitted e : after) {
            assertEquals(List.of(4000), e.writeLengths());
        }
        // two 4000-byte writes per episode fit in 10,000 bytes; the third would not
        long episodes = after.size() / 2;
        assertEquals(after.size(), 2 * episodes, "writes come in pairs");
    }

    @Test
    void rejectsBadKnobs() {
        List<MimicDecoys.Step> shape = List.of(new MimicDecoys.Step(Duration.ZERO, List.of(100)));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(0, QUIET, 0, 0, 100, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(Double.NaN, QUIET, 0, 0, 100, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(3601, QUIET, 0, 0, 100, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, Duration.ZERO, 0, 0, 100, 100, shape));
        assertThrows(IllegalArgumentException.class,
                () -> new MimicDecoys(6, Duration.ofMinutes(2), 0, 0, 100, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, QUIET, -1, 0, 100, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, QUIET, 0, -1, 100, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, QUIET, 0, 0, 19, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, QUIET, 0, 0, 100, 99, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, QUIET, 0, 0, 100, 100, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys(6, QUIET, 0, 0, 99, 100, shape));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys.Step(Duration.ofMillis(-1), List.of(20)));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys.Step(Duration.ofMinutes(2), List.of(20)));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys.Step(Duration.ZERO, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys.Step(Duration.ZERO, List.of(19)));
        assertThrows(IllegalArgumentException.class, () -> new MimicDecoys.Step(Duration.ZERO, List.of(30, 0)));
        assertEquals(50, new MimicDecoys.Step(Duration.ZERO, List.of(10, 40)).wireBytes());
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.bip324shaper.core.ProtocolLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BUCKETED padding: every write lands exactly on a bucket, never leaving a 1..19-byte gap. */
class BucketedPaddingTest {

    private static final int OVERHEAD = ProtocolLimits.PACKET_OVERHEAD;

    @ParameterizedTest
    @ValueSource(ints = {0, 64, 128, 256})
    void everyWriteLandsExactlyOnItsBucket(int floor) {
        BucketedPadding strategy = new BucketedPadding(floor);
        SizeBuckets buckets = strategy.buckets();
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(strategy).build(),
                new FakeClock(0), new SplittableRandom(40));
        shaper.handshake();
        int bumped = 0;
        for (int contents = 0; contents <= 70_000; contents++) {
            bumped += checkOneWrite(shaper, buckets, contents);
        }
        for (int contents = 70_000; contents <= ProtocolLimits.MAX_PACKET_CONTENTS; contents += 9_973) {
            checkOneWrite(shaper, buckets, contents);
        }
        checkOneWrite(shaper, buckets, ProtocolLimits.MAX_PACKET_CONTENTS);
        assertTrue(bumped > 100, bumped + " writes needed a bump: the no-gap rule was exercised");
    }

    /** Checks one write and returns 1 if it was bumped past max(floor, Padme). */
    private static int checkOneWrite(TrafficShaper shaper, SizeBuckets buckets, int contents) {
        long wire = contents + OVERHEAD;
        Flush flush = shaper.onGenuine(contents);
        assertSame(WireItem.GENUINE, flush.items().get(0), "genuine first");
        assertEquals(1, flush.genuineCount());
        assertEquals(List.of(), flush.cuts(), "one write");
        long total = SimulatedDriver.wireBytes(flush, contents);
        long gap = total - wire;
        assertTrue(gap == 0 || gap >= OVERHEAD, "gap of " + gap + " after " + wire);
        assertTrue(buckets.isBucket(total), total + " is a bucket");
        assertEquals(buckets.sizeFor(wire), total);
        long plain = Math.max(buckets.floor(), Padme.pad(wire));
        assertTrue(total <= Math.max(buckets.floor(), Padme.pad(wire + OVERHEAD)), "cost bound at " + wire);
        if (total == plain) {
            return 0;
        }
        // Bumped: every bucket from max(floor, Padme) up to the chosen one left an unfillable gap.
        for (long bucket = plain; bucket < total; bucket = Padme.next(bucket)) {
            assertTrue(buckets.isBucket(bucket));
            assertTrue(bucket - wire > 0 && bucket - wire < OVERHEAD, "bucket " + bucket + " was skipped for "
                    + wire + " although its gap is fillable");
        }
        return 1;
    }

    @Test
    void smallMessagesShareTheFloor() {
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(new BucketedPadding(128)).build(),
                new FakeClock(0), new SplittableRandom(41));
        shaper.handshake();
        // ping/pong (8), inv and getdata of one item (37), headers of one header (82): short IDs, + 1 type byte
        for (int payload : new int[] {0, 8, 9, 37, 82, 107}) {
            Flush flush = shaper.onGenuine(1 + payload);
            assertEquals(128, SimulatedDriver.wireBytes(flush, 1 + payload), "payload " + payload);
        }
        // 124 contents bytes: 144 wire, a Padme size: no padding at all
        assertEquals(List.of(WireItem.GENUINE), shaper.onGenuine(124).items());
        // 109 contents bytes: 129 wire, Padme 144 leaves 15 bytes: bumped to 160
        assertEquals(160, SimulatedDriver.wireBytes(shaper.onGenuine(109), 109));
        // 89 contents bytes: 109 wire, 19 short of the floor: bumped to 144
        assertEquals(144, SimulatedDriver.wireBytes(shaper.onGenuine(89), 89));
    }

    @Test
    void bucketedPaddingReleasesAtOnceAndNeverTicks() {
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(new BucketedPadding(64))
                .build(), 42, 0);
        for (int i = 0; i < 1000; i++) {
            driver.genuineAt(i * 1_000_000L, i);
            assertEquals(0, driver.held());
        }
        assertEquals(Long.MAX_VALUE, driver.shaper.nextDeadlineNanos());
        assertEquals(HandshakeShape.NONE, new TrafficShaper(TrafficConfig.builder().padding(new BucketedPadding(64))
                .build(), new FakeClock(0), new SplittableRandom(1)).handshake());
    }

    @Test
    void burstEnvelopeWrapsLargeWritesOnly() {
        BurstEnvelope envelope = new BurstEnvelope(1024, 1000, 4);
        BucketedPadding strategy = new BucketedPadding(new SizeBuckets(128), envelope);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(strategy).build(),
                new FakeClock(0), new SplittableRandom(43));
        shaper.handshake();

        Flush small = shaper.onGenuine(1003); // 1023 wire bytes: below the threshold
        assertSame(WireItem.GENUINE, small.items().get(0));
        assertEquals(List.of(), small.cuts());

        int minFront = Integer.MAX_VALUE;
        int maxFront = Integer.MIN_VALUE;
        int[] byChunks = new int[5];
        for (int i = 0; i < 20_000; i++) {
            int contents = 1004 + (i * 7919) % 200_000;
            long wire = contents + OVERHEAD;
            Flush flush = shaper.onGenuine(contents);
            WireItem.Decoy front = assertInstanceOf(WireItem.Decoy.class, flush.items().get(0), "front decoy first");
            assertSame(WireItem.GENUINE, flush.items().get(1));
            minFront = Math.min(minFront, front.contentsLength());
            maxFront = Math.max(maxFront, front.contentsLength());
            assertTrue(front.contentsLength() <= 1000);
            long total = SimulatedDriver.wireBytes(flush, contents);
            assertEquals(strategy.buckets().sizeFor(wire + front.wireLength()), total, "padded to a bucket");
            assertTrue(total - wire <= strategy.maxPaddingBytes(wire), "within the documented cost");
            List<Integer> writes = flush.writeLengths((int) total);
            assertTrue(writes.size() >= 1 && writes.size() <= 4, writes.size() + " writes");
            byChunks[writes.size()]++;
            for (int write : writes) {
                assertTrue(write >= BurstEnvelope.MIN_CHUNK, "piece of " + write + " bytes");
            }
        }
        assertTrue(minFront <= 2 && maxFront >= 998, "front decoys " + minFront + ".." + maxFront);
        for (int chunks = 1; chunks <= 4; chunks++) {
            assertTrue(byChunks[chunks] > 4000, byChunks[chunks] + " writes cut into " + chunks);
        }
    }

    @Test
    void envelopeNeverCutsBelowTheMinimumPiece() {
        BucketedPadding strategy = new BucketedPadding(new SizeBuckets(0), new BurstEnvelope(1, 0, 16));
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(strategy).build(),
                new FakeClock(0), new SplittableRandom(44));
        shaper.handshake();
        for (int contents = 0; contents < 5000; contents++) {
            Flush flush = shaper.onGenuine(contents);
            long total = SimulatedDriver.wireBytes(flush, contents);
            List<Integer> writes = flush.writeLengths((int) total);
            assertTrue(writes.size() <= Math.max(1, total / BurstEnvelope.MIN_CHUNK));
            if (writes.size() > 1) {
                assertTrue(writes.stream().allMatch(w -> w >= BurstEnvelope.MIN_CHUNK), writes.toString());
            }
        }
    }

    @Test
    void gapsAboveTheLargestPacketAreFilledWithSeveralDecoys() {
        Flush.Builder out = new Flush.Builder(List.of(), 0, 0);
        long gap = 2L * (ProtocolLimits.MAX_PACKET_CONTENTS + OVERHEAD) + 5;
        WireFill.fill(out, gap);
        assertEquals(gap, out.wireBytes());
        assertEquals(3, out.build().decoyCount());
        assertThrows(IllegalStateException.class, () -> WireFill.fill(new Flush.Builder(List.of(), 0, 0), 19));
    }

    @Test
    void rejectsBadKnobs() {
        assertThrows(IllegalArgumentException.class, () -> new SizeBuckets(-1));
        assertThrows(IllegalArgumentException.class, () -> new SizeBuckets(SizeBuckets.MAX_FLOOR + 1));
        assertThrows(IllegalArgumentException.class, () -> new BurstEnvelope(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BurstEnvelope(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BurstEnvelope(1, BurstEnvelope.MAX_FRONT_DECOY + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BurstEnvelope(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BurstEnvelope(1, 0, BurstEnvelope.MAX_CHUNKS + 1));
        assertThrows(NullPointerException.class, () -> new BucketedPadding(null, BurstEnvelope.NONE));
        assertThrows(IllegalArgumentException.class, () -> SizeBuckets.PADME.sizeFor(-1));
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** A genuine packet and its padding leave in ONE write, genuine first, so no segment has the genuine size. */
class FlushDisciplineTest {

    @Test
    void genuinePacketAndItsPaddingShareOneFlushGenuineFirst() {
        FakeClock clock = new FakeClock(0);
        TrafficConfig config = TrafficConfig.builder()
                .padding(PaddingStrategy.RANDOM).decoys(DecoyStrategy.RANDOM).build();
        TrafficShaper shaper = new TrafficShaper(config, clock, new SplittableRandom(11));
        shaper.handshake();
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(37));
            Flush flush = shaper.onGenuine(i);
            assertEquals(2, flush.items().size());
            assertSame(WireItem.GENUINE, flush.items().get(0));
            WireItem.Decoy padding = assertInstanceOf(WireItem.Decoy.class, flush.items().get(1));
            assertEquals(1, flush.genuineCount());
            assertEquals(1, flush.decoyCount());
            assertEquals(padding.contentsLength(), flush.decoyBytes());
            assertEquals(0, shaper.heldGenuine());
        }
    }

    @Test
    void flushCountsItsItems() {
        Flush flush = Flush.of(new WireItem.Decoy(5), WireItem.GENUINE, new WireItem.Decoy(0), WireItem.GENUINE,
                new WireItem.Decoy(1000));
        assertEquals(2, flush.genuineCount());
        assertEquals(3, flush.decoyCount());
        assertEquals(1005, flush.decoyBytes());
        assertEquals(1020, new WireItem.Decoy(1000).wireLength());
        assertEquals(0, Flush.EMPTY.genuineCount());
        assertEquals(true, Flush.EMPTY.isEmpty());
        assertEquals(false, flush.isEmpty());
    }
}

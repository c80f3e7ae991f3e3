package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.bip324shaper.core.ProtocolLimits;
import org.junit.jupiter.api.Test;

/** With shaping disabled the wire carries exactly what the application sends, nothing more. */
class DisabledShapingTest {

    @Test
    void defaultConfigIsDisabled() {
        assertSame(PaddingStrategy.DISABLED, TrafficConfig.DEFAULT.padding());
        assertSame(DecoyStrategy.DISABLED, TrafficConfig.DEFAULT.decoys());
        assertEquals(TrafficConfig.DEFAULT, TrafficConfig.builder().build());
    }

    @Test
    void sendsNothingExtra() {
        FakeClock clock = new FakeClock(123);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.DEFAULT, clock, new SplittableRandom(6));
        assertEquals(HandshakeShape.NONE, shaper.handshake());
        assertEquals(Long.MAX_VALUE, shaper.nextDeadlineNanos());
        for (int length : new int[] {0, 1, 1024, ProtocolLimits.MAX_PACKET_CONTENTS}) {
            assertEquals(Flush.of(WireItem.GENUINE), shaper.onGenuine(length));
            assertEquals(0, shaper.heldGenuine());
        }
        clock.advance(Duration.ofHours(1));
        assertTrue(shaper.onTick().isEmpty());
        assertEquals(Long.MAX_VALUE, shaper.nextDeadlineNanos());
    }

    @Test
    void disabledDecoysWithRandomPaddingStillScheduleNoTicks() {
        TrafficConfig config = TrafficConfig.builder().padding(PaddingStrategy.RANDOM).build();
        TrafficShaper shaper = new TrafficShaper(config, new FakeClock(0), new SplittableRandom(7));
        shaper.handshake();
        shaper.onGenuine(10);
        assertEquals(Long.MAX_VALUE, shaper.nextDeadlineNanos());
    }
}

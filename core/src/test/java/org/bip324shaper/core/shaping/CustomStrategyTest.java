package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;
import org.junit.jupiter.api.Test;

/**
 * Strategies defined here, outside the shaper, plug in through the public interfaces: holding genuine packets and
 * releasing them on a tick, decoys in front of genuine packets, reacting to inbound traffic. Faulty strategies are
 * caught by the shaper instead of corrupting the driver's queue.
 */
class CustomStrategyTest {

    private static final long DELAY = Duration.ofMillis(50).toNanos();

    /** Holds genuine packets and releases them all, padded to a fixed write size, {@code DELAY} after the first. */
    private static final PaddingStrategy HOLD_UNTIL_TICK = (random, now) -> new ShapingSession() {
        private long deadline = Long.MAX_VALUE;
        private long heldWireBytes;

        @Override
        public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            heldWireBytes += contentsLength + ProtocolLimits.PACKET_OVERHEAD;
            if (deadline == Long.MAX_VALUE) {
                deadline = nowNanos + DELAY;
            }
        }

        @Override
        public void onTick(long nowNanos, Flush.Builder out) {
            while (out.heldGenuine() > 0) {
                out.genuine();
            }
            out.decoy((int) (4096 - heldWireBytes - ProtocolLimits.PACKET_OVERHEAD));
            heldWireBytes = 0;
            deadline = Long.MAX_VALUE;
        }

        @Override
        public long nextDeadlineNanos() {
            return deadline;
        }
    };

    @Test
    void paddingStrategyCanHoldGenuinePacketsAndReleaseThemOnTheNextTick() {
        FakeClock clock = new FakeClock(1_000);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(HOLD_UNTIL_TICK).build(), clock,
                new SplittableRandom(12));
        shaper.handshake();
        assertEquals(Long.MAX_VALUE, shaper.nextDeadlineNanos());

        assertEquals(Flush.EMPTY, shaper.onGenuine(100));
        clock.advance(Duration.ofMillis(10));
        assertEquals(Flush.EMPTY, shaper.onGenuine(200));
        assertEquals(Flush.EMPTY, shaper.onGenuine(300));
        assertEquals(3, shaper.heldGenuine());
        assertEquals(1_000 + DELAY, shaper.nextDeadlineNanos(), "later packets do not postpone the release");

        clock.set(1_000 + DELAY - 1);
        assertEquals(Flush.EMPTY, shaper.onTick());
        assertEquals(3, shaper.heldGenuine());

        clock.set(1_000 + DELAY);
        Flush flush = shaper.onTick();
        assertEquals(List.of(WireItem.GENUINE, WireItem.GENUINE, WireItem.GENUINE,
                new WireItem.Decoy(4096 - 660 - 20)), flush.items());
        assertEquals(0, shaper.heldGenuine());
        assertEquals(Long.MAX_VALUE, shaper.nextDeadlineNanos());
    }

    @Test
    void heldPacketsAndBackgroundDecoysShareATickGenuineFirst() {
        FakeClock clock = new FakeClock(0);
        DecoyStrategy everyFiftyMillis = new RandomDecoys(Duration.ofMillis(50), 1.0, 9, 9, 0);
        TrafficConfig config = TrafficConfig.builder().padding(HOLD_UNTIL_TICK).decoys(everyFiftyMillis).build();
        TrafficShaper shaper = new TrafficShaper(config, clock, new SplittableRandom(13));
        shaper.handshake();
        shaper.onGenuine(16);
        clock.set(DELAY);
        assertEquals(Flush.of(WireItem.GENUINE, new WireItem.Decoy(4096 - 36 - 20), new WireItem.Decoy(9)),
                shaper.onTick());
    }

    @Test
    void paddingStrategyCanPutADecoyBeforeTheGenuinePacket() {
        PaddingStrategy frontDecoy = (random, now) -> (length, nowNanos, out) -> out.decoy(length / 2).genuine();
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(frontDecoy).build(),
                new FakeClock(0), new SplittableRandom(14));
        shaper.handshake();
        assertEquals(Flush.of(new WireItem.Decoy(500), WireItem.GENUINE), shaper.onGenuine(1000));
    }

    @Test
    void decoyStrategyCanReactToInboundTrafficAndShapeTheHandshake() {
        DecoyStrategy echo = (random, now) -> new ShapingSession() {
            private long deadline = Long.MAX_VALUE;
            private int inbound;

            @Override
            public HandshakeShape handshake() {
                return new HandshakeShape(4095, List.of(3, 2, 1));
            }

            @Override
            public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            }

            @Override
            public void onInbound(int wireBytes, long nowNanos) {
                inbound += wireBytes;
                deadline = nowNanos + DELAY;
            }

            @Override
            public void onTick(long nowNanos, Flush.Builder out) {
                out.decoy(Math.min(inbound, 1024));
                inbound = 0;
                deadline = Long.MAX_VALUE;
            }

            @Override
            public long nextDeadlineNanos() {
                return deadline;
            }
        };
        FakeClock clock = new FakeClock(0);
        TrafficConfig config = TrafficConfig.builder().padding(PaddingStrategy.RANDOM).decoys(echo).build();
        TrafficShaper shaper = new TrafficShaper(config, clock, new SplittableRandom(15));

        HandshakeShape shape = shaper.handshake();
        assertEquals(4095, shape.garbageLength(), "the longer garbage proposal wins");
        assertEquals(List.of(3, 2, 1), shape.decoyLengthsBeforeVersion());

        shaper.onInbound(300);
        shaper.onInbound(200);
        assertEquals(DELAY, shaper.nextDeadlineNanos());
        clock.set(DELAY);
        assertEquals(Flush.of(new WireItem.Decoy(500)), shaper.onTick());
        assertEquals(Long.MAX_VALUE, shaper.nextDeadlineNanos());
    }

    @Test
    void holdingAPacketWithoutATickIsReported() {
        PaddingStrategy blackHole = (random, now) -> (length, nowNanos, out) -> { };
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(blackHole).build(),
                new FakeClock(0), new SplittableRandom(16));
        shaper.handshake();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shaper.onGenuine(10));
        assertTrue(e.getMessage().contains("scheduled no tick"), e.getMessage());
    }

    @Test
    void decoyStrategyCannotReleaseGenuinePackets() {
        DecoyStrategy thief = (random, now) -> (length, nowNanos, out) -> out.genuine();
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(HOLD_UNTIL_TICK).decoys(thief)
                .build(), new FakeClock(0), new SplittableRandom(17));
        shaper.handshake();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shaper.onGenuine(10));
        assertTrue(e.getMessage().contains("only the padding strategy"), e.getMessage());
    }

    @Test
    void releasingMorePacketsThanHeldIsRefused() {
        PaddingStrategy greedy = (random, now) -> (length, nowNanos, out) -> out.genuine().genuine();
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(greedy).build(),
                new FakeClock(0), new SplittableRandom(18));
        shaper.handshake();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shaper.onGenuine(10));
        assertTrue(e.getMessage().contains("no genuine packet is held"), e.getMessage());
    }

    @Test
    void eachConnectionGetsItsOwnSession() {
        int[] sessions = new int[1];
        PaddingStrategy counting = (RandomGenerator random, long now) -> {
            sessions[0]++;
            return PaddingStrategy.DISABLED.newSession(random, now);
        };
        TrafficConfig config = TrafficConfig.builder().padding(counting).build();
        new TrafficShaper(config, new FakeClock(0), new SplittableRandom(19));
        new TrafficShaper(config, new FakeClock(0), new SplittableRandom(20));
        assertEquals(2, sessions[0]);
    }
}

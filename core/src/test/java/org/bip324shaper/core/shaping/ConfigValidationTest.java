package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.ProtocolLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Configuration strings, bad knob values and driver misuse all fail with a clear message. */
class ConfigValidationTest {

    private static final int CAP = ProtocolLimits.MAX_PACKET_CONTENTS;

    @Test
    void parsesStrategyNames() {
        assertSame(PaddingStrategy.RANDOM, PaddingStrategy.parse("random"));
        assertSame(PaddingStrategy.RANDOM, PaddingStrategy.parse(" RANDOM "));
        assertSame(PaddingStrategy.DISABLED, PaddingStrategy.parse("disabled"));
        assertSame(PaddingStrategy.DISABLED, PaddingStrategy.parse("None"));
        assertSame(DecoyStrategy.RANDOM, DecoyStrategy.parse("Random"));
        assertSame(DecoyStrategy.DISABLED, DecoyStrategy.parse("DISABLED"));
        assertSame(DecoyStrategy.DISABLED, DecoyStrategy.parse("none"));
        assertSame(DecoyStrategy.DISABLED, DecoyStrategy.parse("Off"));
        assertSame(PaddingStrategy.DISABLED, PaddingStrategy.parse(" off"));
        assertFails("expected random, off, disabled or none", () -> PaddingStrategy.parse("bucketed"));
        assertFails("expected random, off, disabled or none", () -> DecoyStrategy.parse(""));
    }

    @Test
    void randomConstantsAreTheReferenceValues() {
        assertEquals(new RandomPadding(1, 1024, 4095), PaddingStrategy.RANDOM);
        assertEquals(new RandomDecoys(Duration.ofMillis(100), 0.15, 1, 1024, 3), DecoyStrategy.RANDOM);
        assertEquals(4_000_013, CAP);
    }

    @Test
    void rejectsBadPaddingKnobs() {
        assertFails("min padding decoy length", () -> new RandomPadding(-1, 10, 0));
        assertFails("exceeds max", () -> new RandomPadding(11, 10, 0));
        assertFails("max padding decoy length", () -> new RandomPadding(1, CAP + 1, 0));
        assertFails("garbage", () -> new RandomPadding(1, 10, 4096));
        assertFails("garbage", () -> new RandomPadding(1, 10, -1));
        new RandomPadding(0, CAP, 0);
        new RandomPadding(CAP, CAP, 4095);
    }

    @Test
    void rejectsBadDecoyKnobs() {
        Duration tick = Duration.ofMillis(100);
        assertFails("probability", () -> new RandomDecoys(tick, -0.01, 1, 10, 0));
        assertFails("probability", () -> new RandomDecoys(tick, 1.01, 1, 10, 0));
        assertFails("probability", () -> new RandomDecoys(tick, Double.NaN, 1, 10, 0));
        assertFails("interval", () -> new RandomDecoys(Duration.ZERO, 0.5, 1, 10, 0));
        assertFails("interval", () -> new RandomDecoys(Duration.ofMillis(-5), 0.5, 1, 10, 0));
        assertFails("interval", () -> new RandomDecoys(Duration.ofDays(2), 0.5, 1, 10, 0));
        assertFails("min decoy length", () -> new RandomDecoys(tick, 0.5, -1, 10, 0));
        assertFails("exceeds max", () -> new RandomDecoys(tick, 0.5, 20, 10, 0));
        assertFails("max decoy length", () -> new RandomDecoys(tick, 0.5, 1, CAP + 1, 0));
        assertFails("handshake decoys", () -> new RandomDecoys(tick, 0.5, 1, 10, -1));
        assertFails("handshake decoys", () -> new RandomDecoys(tick, 0.5, 1, 10,
                RandomDecoys.MAX_HANDSHAKE_DECOYS + 1));
        assertThrows(NullPointerException.class, () -> new RandomDecoys(null, 0.5, 1, 10, 0));
        new RandomDecoys(RandomDecoys.MIN_INTERVAL, 0.0, 0, CAP, RandomDecoys.MAX_HANDSHAKE_DECOYS);
    }

    @Test
    void rejectsBadShapesAndItems() {
        assertFails("garbage length", () -> new HandshakeShape(4096, List.of()));
        assertFails("garbage length", () -> new HandshakeShape(-1, List.of()));
        assertFails("handshake decoy length", () -> new HandshakeShape(0, List.of(1, CAP + 1)));
        assertThrows(NullPointerException.class, () -> new HandshakeShape(0, Arrays.asList(1, null)));
        assertFails("decoy length", () -> new WireItem.Decoy(-1));
        assertFails("decoy length", () -> new WireItem.Decoy(CAP + 1));
        assertThrows(NullPointerException.class, () -> TrafficConfig.builder().padding(null));
        assertThrows(NullPointerException.class, () -> new TrafficConfig(PaddingStrategy.RANDOM, null));
    }

    @Test
    void handshakeShapesMergeWithinTheGarbageLimit() {
        HandshakeShape a = new HandshakeShape(4000, List.of(1));
        HandshakeShape b = new HandshakeShape(4095, List.of(2, 3));
        assertEquals(new HandshakeShape(4095, List.of(1, 2, 3)), a.merge(b));
        assertEquals(new HandshakeShape(4095, List.of(2, 3, 1)), b.merge(a));
        assertSame(a, a.merge(HandshakeShape.NONE));
        assertSame(b, HandshakeShape.NONE.merge(b));
        assertEquals(6, a.merge(b).decoyBytes());
    }

    @Test
    void rejectsDriverMisuse() {
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.DEFAULT, new FakeClock(0), new SplittableRandom(21));
        assertThrows(HandshakeStateException.class, () -> shaper.onGenuine(1));
        assertThrows(HandshakeStateException.class, shaper::onTick);
        shaper.handshake();
        assertThrows(HandshakeStateException.class, shaper::handshake);
        assertFails("genuine packet length", () -> shaper.onGenuine(-1));
        assertFails("genuine packet length", () -> shaper.onGenuine(CAP + 1));
        assertFails("inbound byte count", () -> shaper.onInbound(-1));
        assertEquals(0, shaper.heldGenuine(), "rejected packets are not counted as held");
    }

    @Test
    void toBuilderKeepsStrategies() {
        TrafficConfig config = TrafficConfig.builder().padding(PaddingStrategy.RANDOM).build();
        assertEquals(config, config.toBuilder().build());
        assertSame(DecoyStrategy.RANDOM, config.toBuilder().decoys(DecoyStrategy.RANDOM).build().decoys());
    }

    private static void assertFails(String expectedInMessage, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(expectedInMessage),
                "message '" + e.getMessage() + "' should mention '" + expectedInMessage + "'");
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration strings: defaults, parameters, round trips and clear errors. */
class ShapingStrategiesTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void namesWithDefaults() {
        assertEquals(TrafficConfig.DEFAULT, ShapingStrategies.parse("none"));
        assertEquals(TrafficConfig.DEFAULT, ShapingStrategies.parse("disabled"));
        TrafficConfig reference = ShapingStrategies.parse("random+random-decoys");
        assertSame(PaddingStrategy.RANDOM, reference.padding());
        assertSame(DecoyStrategy.RANDOM, reference.decoys());
        assertEquals(new BucketedPadding(128), ShapingStrategies.parse("bucketed").padding());
        assertEquals(new BucketedPadding(new SizeBuckets(128), new BurstEnvelope(1024, 1024, 4)),
                ShapingStrategies.parse("burst").padding());
        assertEquals(new TickerPadding(List.of(80, 256, 1024), SECOND, Duration.ofSeconds(2)),
                ShapingStrategies.parse("ticker").padding());
        TrafficConfig mimic = ShapingStrategies.parse("mimic");
        assertSame(PaddingStrategy.DISABLED, mimic.padding());
        assertEquals(new MimicDecoys(6, Duration.ofSeconds(2), 16_384, 0, 65_536, 1 << 20,
                MimicDecoys.SMALL_DEFAULT_SHAPE), mimic.decoys());
        assertEquals(new HandshakeCover.Covered(PaddingStrategy.DISABLED, HandshakeCover.CORE_LIKE),
                ShapingStrategies.parse("handshake").padding());
    }

    @Test
    void namesWithParameters() {
        assertEquals(new BucketedPadding(256), ShapingStrategies.parse(" Bucketed:Floor=256 ").padding());
        assertEquals(new RandomPadding(5, 50, 0), ShapingStrategies.parse("random:min=5,max=50,garbage=0").padding());
        assertEquals(new TickerPadding(List.of(64, 512), Duration.ofMillis(250), Duration.ofMillis(1500),
                        new BurstEnvelope(1024, 100, 4)),
                ShapingStrategies.parse("ticker:sizes=64/512,min=250ms,max=1.5s,front=100").padding());
        assertEquals(new RandomDecoys(Duration.ofMinutes(1), 0.5, 2, 3, 0),
                ShapingStrategies.parse("random-decoys:interval=1min,probability=0.5,min=2,max=3,handshake=0")
                        .decoys());
        MimicDecoys mimic = (MimicDecoys) ShapingStrategies.parse("mimic:rate=0.5/min,quiet=500ms,min-episode=0,"
                + "min-write=100,max-episode=30000,max-per-hour=60000,default=128@0ms|16384/4096@80ms").decoys();
        assertEquals(new MimicDecoys(30, Duration.ofMillis(500), 0, 100, 30_000, 60_000, List.of(
                new MimicDecoys.Step(Duration.ZERO, List.of(128)),
                new MimicDecoys.Step(Duration.ofMillis(80), List.of(16_384, 4096)))), mimic);
        assertEquals(3600, ((MimicDecoys) ShapingStrategies.parse("mimic:rate=1/s").decoys()).episodesPerHour());
        assertEquals(new HandshakeCover.Covered(new BucketedPadding(128), new HandshakeCover(0, 511, 0, 2, 1, 64)),
                ShapingStrategies.parse("bucketed+handshake:garbage=0..511,decoys=0..2,decoy-length=1..64")
                        .padding());
        assertEquals(new HandshakeCover(7, 7, 0, 0, 0, 0),
                ((HandshakeCover.Covered) ShapingStrategies.parse("handshake:garbage=7").padding()).cover());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "none",
        "random",
        "random:min=5,max=50,garbage=0",
        "bucketed:floor=64",
        "burst:floor=256,threshold=4096,front=2048,chunks=2",
        "ticker:sizes=80/256/1024,min=1500ms,max=2500ms",
        "ticker:sizes=100,min=1s,max=1s,threshold=1024,front=0,chunks=1",
        "random-decoys",
        "bucketed:floor=128+random-decoys:interval=250ms,probability=1,min=0,max=0,handshake=0",
        "mimic:rate=0.25/h,default=128@0ms|16384/4096@80ms",
        "ticker+mimic+handshake:garbage=0..4095,decoys=0..2,decoy-length=1..64",
        "balanced",
    })
    void formatReadsBackToTheSameConfig(String spec) {
        TrafficConfig config = ShapingStrategies.parse(spec);
        String formatted = ShapingStrategies.format(config);
        assertEquals(config, ShapingStrategies.parse(formatted), formatted);
        assertEquals(formatted, ShapingStrategies.format(ShapingStrategies.parse(formatted)), "canonical");
    }

    @Test
    void canonicalStrings() {
        assertEquals("bucketed:floor=128", ShapingStrategies.format(ShapingStrategies.parse("bucketed")));
        assertEquals("ticker:sizes=80/256/1024,min=1s,max=2s", ShapingStrategies.format(
                ShapingStrategies.parse("ticker")));
        assertEquals("disabled+mimic:rate=6/h,quiet=2s,min-episode=16384,min-write=0,max-episode=65536,"
                + "max-per-hour=1048576,default=128@0s", ShapingStrategies.format(ShapingStrategies.parse("mimic")));
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertFails("empty", "");
        assertFails("unknown shaping strategy 'bogus'", "bogus");
        assertFails("balanced", "bogus"); // the message lists the presets
        assertFails("unknown key 'size' for bucketed (expected floor)", "bucketed:size=1");
        assertFails("unknown key 'x' for none (expected none)", "none:x=1");
        assertFails("more than one padding strategy", "bucketed+ticker");
        assertFails("more than one decoy strategy", "mimic+random-decoys");
        assertFails("more than one handshake part", "handshake+handshake");
        assertFails("expected key=value in bucketed", "bucketed:floor");
        assertFails("expected key=value in bucketed", "bucketed:floor=");
        assertFails("bucketed floor must be a whole number, was 'abc'", "bucketed:floor=abc");
        assertFails("ticker min must be a duration", "ticker:min=5parsecs");
        assertFails("ticker min must be a duration", "ticker:min=xs");
        assertFails("must be a rate", "mimic:rate=6");
        assertFails("must be per h, min or s", "mimic:rate=6/day");
        assertFails("bucket floor must be in", "bucketed:floor=-1");
        assertFails("sets 'floor' twice", "bucketed:floor=1,floor=2");
        assertFails("ticker max delay", "ticker:min=3s,max=2s");
        assertFails("missing strategy name", "+bucketed");
        assertFails("out of range", "bucketed:floor=99999999999");
        assertFails("handshake garbage", "handshake:garbage=0..5000");
        assertFails("a write has at least 1 byte", "mimic:default=0/128@0ms");
    }

    private static void assertFails(String expectedInMessage, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShapingStrategies.parse(spec));
        assertTrue(e.getMessage().contains(expectedInMessage),
                "message '" + e.getMessage() + "' should mention '" + expectedInMessage + "'");
    }
}

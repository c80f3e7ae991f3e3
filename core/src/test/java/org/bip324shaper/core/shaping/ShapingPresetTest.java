package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Presets parse, cost what their documentation says, and the cheap ones stay under a tenth of RANDOM. */
class ShapingPresetTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long DAY = 86_400 * SECOND;
    private static final double RANDOM_DECOYS_PER_DAY = ShapingPreset.REFERENCE.idleBytesPerDay();

    @Test
    void namesAreUniqueAndParse() {
        assertEquals(ShapingPreset.values().length, new HashSet<>(Arrays.stream(ShapingPreset.values())
                .map(ShapingPreset::configName).toList()).size());
        for (ShapingPreset preset : ShapingPreset.values()) {
            assertEquals(preset.config(), ShapingStrategies.parse(preset.configName()));
            assertEquals(preset.config(), ShapingStrategies.parse(ShapingStrategies.format(preset.config())));
        }
    }

    @Test
    void presetNamesDoNotShadowStrategyNames() {
        for (ShapingPreset preset : ShapingPreset.values()) {
            for (String strategy : new String[] {"none", "disabled", "random", "bucketed", "burst", "ticker",
                "random-decoys", "mimic", "handshake"}) {
                assertTrue(!preset.configName().equals(strategy), preset + " shadows " + strategy);
            }
        }
    }

    @Test
    void documentedIdleCosts() {
        assertEquals(69.0e6, RANDOM_DECOYS_PER_DAY, 0.1e6, "RANDOM decoys: about 69 MB/day");
        assertEquals(0, ShapingPreset.LIGHT.idleBytesPerDay());
        assertEquals(0, ShapingPreset.LIGHT_BURST.idleBytesPerDay());
        assertEquals(2.304e6, ShapingPreset.LEAN.idleBytesPerDay(), 1);
        assertEquals(4.608e6, ShapingPreset.STEADY.idleBytesPerDay(), 1);
        assertEquals(3.456e6 + 4 * 24 * 2048, ShapingPreset.BALANCED.idleBytesPerDay(), 1);
        assertEquals(22.1184e6 + 30 * 24 * 4096, ShapingPreset.STRONG.idleBytesPerDay(), 1);
        for (ShapingPreset cheap : new ShapingPreset[] {ShapingPreset.LEAN, ShapingPreset.STEADY,
            ShapingPreset.BALANCED}) {
            assertTrue(cheap.idleBytesPerDay() <= 0.1 * RANDOM_DECOYS_PER_DAY, cheap + " under a tenth of RANDOM");
        }
    }

    /** A day with no genuine traffic costs what {@link ShapingPreset#idleBytesPerDay()} says, within 3%. */
    @ParameterizedTest
    @EnumSource(ShapingPreset.class)
    void idleDayMatchesTheDocumentedCost(ShapingPreset preset) {
        SimulatedDriver driver = new SimulatedDriver(preset.config(), 80 + preset.ordinal(), SECOND);
        driver.runUntil(SECOND + DAY);
        double expected = preset.idleBytesPerDay();
        if (expected == 0) {
            assertEquals(0, driver.writes.size());
        } else {
            assertEquals(expected, driver.decoyWireBytes, 0.03 * expected, preset + ": " + driver.decoyWireBytes);
        }
    }

    /**
     * A busy day for a relaying node under BALANCED: the inv/tx trickle, pings every 120 s, and a block every ~10
     * minutes (headers and a compact block in, getdata and a 16 KB compact-block relay out). All its decoys, mimic
     * copies of the learned relays included, stay under a tenth of what RANDOM decoys alone cost.
     */
    @Test
    void balancedBusyDayStaysUnderATenthOfRandom() {
        SimulatedDriver driver = new SimulatedDriver(ShapingPreset.BALANCED.config(), 90, SECOND);
        SplittableRandom traffic = new SplittableRandom(91);
        long end = SECOND + DAY;
        long nextPing = SECOND + 120 * SECOND;
        long nextBlock = SECOND + (long) (-Math.log(1 - traffic.nextDouble()) * 600 * SECOND);
        long t = SECOND;
        int blocks = 0;
        while (t < end) {
            t += (long) (-Math.log(1 - traffic.nextDouble()) * 5 * SECOND);
            if (t >= nextPing) {
                driver.inboundAt(nextPing, 29);
                driver.genuineAt(nextPing + 1_000_000L, 9);
                nextPing += 120 * SECOND;
            }
            if (t >= nextBlock) {
                driver.inboundAt(nextBlock, 103);
                driver.genuineAt(nextBlock + 2_000_000L, 38);
                driver.inboundAt(nextBlock + 100_000_000L, 20_000);
                driver.genuineAt(nextBlock + 150_000_000L, 16_000);
                nextBlock += (long) (-Math.log(1 - traffic.nextDouble()) * 600 * SECOND);
                blocks++;
                continue;
            }
            driver.genuineAt(t, traffic.nextBoolean() ? 38 : 1 + traffic.nextInt(150, 600));
        }
        driver.runUntil(end);
        assertTrue(blocks > 100, blocks + " blocks");
        assertTrue(driver.genuineWireBytes > 5e6, driver.genuineWireBytes + " genuine bytes");
        assertTrue(driver.decoyWireBytes <= 0.1 * RANDOM_DECOYS_PER_DAY,
                driver.decoyWireBytes + " decoy bytes, more than a tenth of " + RANDOM_DECOYS_PER_DAY);
        MimicDecoys mimic = (MimicDecoys) ShapingPreset.BALANCED.config().decoys();
        long nonTick = driver.writes.stream().filter(w -> !w.fromTick()).mapToLong(SimulatedDriver.Write::bytes).sum();
        assertTrue(nonTick > 0);
        assertTrue(driver.tickDecoyWireBytes <= mimic.maxBytesPerDay() + 0.1 * RANDOM_DECOYS_PER_DAY);
    }
}

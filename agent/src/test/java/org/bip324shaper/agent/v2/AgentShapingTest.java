package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.config.DecoyMode;
import org.bip324shaper.agent.config.PaddingMode;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.Test;

class AgentShapingTest {

    private static AgentConfig config(PaddingMode padding, DecoyMode decoy) {
        return new AgentConfig(padding, decoy, AgentConfig.DEFAULT_PORTS, false, false, LogLevel.INFO);
    }

    @Test
    void paddingAndDecoyMapToTheReferenceStrategiesOrNothing() {
        for (PaddingMode padding : PaddingMode.values()) {
            for (DecoyMode decoy : DecoyMode.values()) {
                TrafficConfig traffic = AgentShaping.trafficConfig(config(padding, decoy));
                assertSame(padding == PaddingMode.RANDOM ? PaddingStrategy.RANDOM : PaddingStrategy.DISABLED,
                        traffic.padding(), padding + "/" + decoy);
                assertSame(decoy == DecoyMode.RANDOM ? DecoyStrategy.RANDOM : DecoyStrategy.DISABLED,
                        traffic.decoys(), padding + "/" + decoy);
            }
        }
    }

    @Test
    void theDefaultsAreTheWalletPresetAndRandomPaddingAndDecoysTheReference() {
        assertEquals(ShapingStrategies.format(ShapingPreset.WALLET.config()),
                ShapingStrategies.format(AgentShaping.trafficConfig(AgentConfig.defaults())));
        assertEquals(ShapingStrategies.format(ShapingPreset.REFERENCE.config()),
                ShapingStrategies.format(AgentShaping.trafficConfig(config(PaddingMode.RANDOM, DecoyMode.RANDOM))));
    }

    @Test
    void aShapingSpecOverridesPaddingAndDecoy() {
        for (ShapingPreset preset : ShapingPreset.values()) {
            AgentConfig config = AgentConfigParser.parse("padding=off,decoy=off,shaping=" + preset.configName(),
                    java.util.Map.of(), java.util.Map.of()).config();
            assertEquals(ShapingStrategies.format(preset.config()),
                    ShapingStrategies.format(AgentShaping.trafficConfig(config)), preset.configName());
        }
        AgentConfig spec = AgentConfigParser.parse("shaping=bucketed:floor=256", java.util.Map.of(),
                java.util.Map.of()).config();
        TrafficConfig traffic = AgentShaping.trafficConfig(spec);
        assertEquals("bucketed:floor=256", ShapingStrategies.format(traffic));
        assertSame(DecoyStrategy.DISABLED, traffic.decoys(), "a spec without decoys has none, whatever decoy= says");
    }
}

package org.bip324shaper.agent.v2;

import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.DecoyMode;
import org.bip324shaper.agent.config.PaddingMode;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;

/** The traffic shaping an agent configuration asks for. */
public final class AgentShaping {

    private AgentShaping() {
    }

    /**
     * {@code shaping=} if given (a preset or spec, validated when the configuration was parsed); otherwise
     * {@code padding=random} is the reference RANDOM padding and {@code decoy=random} the reference RANDOM decoys,
     * each {@code off} disabling its part.
     */
    public static TrafficConfig trafficConfig(AgentConfig config) {
        if (config.shaping().isPresent()) {
            return ShapingStrategies.parse(config.shaping().get());
        }
        return new TrafficConfig(config.padding() == PaddingMode.RANDOM ? PaddingStrategy.RANDOM
                : PaddingStrategy.DISABLED, config.decoy() == DecoyMode.RANDOM ? DecoyStrategy.RANDOM
                : DecoyStrategy.DISABLED);
    }
}

package org.bip324shaper.agent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.bip324shaper.agent.log.LogLevel;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void rejectsImpossiblePortSets() {
        assertThrows(IllegalArgumentException.class, () -> config(Set.of()));
        assertThrows(IllegalArgumentException.class, () -> config(Set.of(0)));
        assertThrows(IllegalArgumentException.class, () -> config(Set.of(65536)));
    }

    @Test
    void portsAreCopiedAndReadOnly() {
        TreeSet<Integer> ports = new TreeSet<>(Set.of(8333));
        AgentConfig config = config(ports);
        ports.add(9999);
        assertFalse(config.interceptsPort(9999));
        assertTrue(config.interceptsPort(8333));
        assertThrows(UnsupportedOperationException.class, () -> config.ports().add(1));
    }

    @Test
    void aShapingOverrideMustBeAValidSpec() {
        assertTrue(AgentConfig.defaults().withShaping("balanced").shaping().isPresent());
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.defaults().withShaping("fastest"));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.defaults().withShaping(" "));
        assertThrows(IllegalArgumentException.class,
                () -> AgentConfig.defaults().withShaping("ticker:min=1s;max=2s"), "';' is the agent-argument form");
    }

    private static AgentConfig config(Set<Integer> ports) {
        return new AgentConfig(PaddingMode.RANDOM, DecoyMode.RANDOM, new TreeSet<>(ports), false, false,
                LogLevel.INFO);
    }
}

package org.bip324shaper.agent.config;

import java.util.List;
import java.util.Objects;

/**
 * A configuration and what was wrong with the input it came from. Problems never stop the agent: each bad or
 * unknown setting is reported here and its safe default is used instead.
 */
public record ParsedConfig(AgentConfig config, List<String> problems) {

    public ParsedConfig {
        Objects.requireNonNull(config, "config");
        problems = List.copyOf(problems);
    }
}

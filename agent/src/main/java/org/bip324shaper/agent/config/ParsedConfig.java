package org.bip324shaper.agent.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A configuration, what was wrong with the input it came from, and where each value that is not a default came
 * from. Problems never stop the agent: each bad or unknown setting is reported here and its safe default is used.
 *
 * @param sources per option set by the user: e.g. {@code system property bip324.log}, {@code agent argument},
 *                {@code config file /etc/bip324.properties (log)}; options not listed have their default
 */
public record ParsedConfig(AgentConfig config, List<String> problems, Map<AgentOption, String> sources) {

    public ParsedConfig {
        Objects.requireNonNull(config, "config");
        problems = List.copyOf(problems);
        Map<AgentOption, String> copy = new EnumMap<>(AgentOption.class);
        copy.putAll(sources);
        sources = Collections.unmodifiableMap(copy);
    }

    public ParsedConfig(AgentConfig config, List<String> problems) {
        this(config, problems, Map.of());
    }

    /** Where {@code option}'s effective value came from: its source, or {@code default}. */
    public String sourceOf(AgentOption option) {
        String source = sources.get(option);
        return source == null ? "default" : source;
    }
}

package org.bip324shaper.agent.cli;

import java.io.PrintStream;
import org.bip324shaper.agent.config.AgentOption;
import org.bip324shaper.agent.config.ParsedConfig;

/**
 * {@code java -jar bip324-agent.jar config [--KEY VALUE ...]}: the effective configuration, one option a line,
 * with where each value came from (flag, system property, environment variable, config file or default), then any
 * problem with the input. The same reader the agent and the proxy use.
 */
final class ConfigCommand {

    private ConfigCommand() {
    }

    static void print(ParsedConfig parsed, PrintStream out) {
        out.println("effective configuration (flag > system property > environment > config file > default):");
        for (AgentOption option : AgentOption.values()) {
            String value = option == AgentOption.CONFIG
                    ? (parsed.sources().containsKey(AgentOption.CONFIG) ? "(read)" : "none")
                    : parsed.config().valueText(option);
            out.println(String.format("  %-21s %-32s %s", option.key(), value, source(parsed, option)));
        }
        for (String problem : parsed.problems()) {
            out.println("problem: " + problem);
        }
    }

    private static String source(ParsedConfig parsed, AgentOption option) {
        String source = parsed.sourceOf(option);
        return source.equals("agent argument") ? "command-line flag / agent argument" : source;
    }
}

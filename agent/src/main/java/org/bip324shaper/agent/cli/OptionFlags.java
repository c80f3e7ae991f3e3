package org.bip324shaper.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bip324shaper.agent.config.AgentOption;

/**
 * Command-line flags of the {@code proxy} and {@code config} commands: {@code --KEY VALUE} or {@code --KEY=VALUE}
 * for any agent option (e.g. {@code --shaping balanced}, {@code --listen 127.0.0.1:1080} for
 * {@code proxy.listen}), turned into agent arguments, which beat every other source. Other flags are left to the
 * command.
 */
final class OptionFlags {

    /** What was read: the agent-argument string and the flags no option claimed. */
    record Parsed(String agentArgs, List<String> rest) {
        Parsed {
            Objects.requireNonNull(agentArgs, "agentArgs");
            rest = List.copyOf(rest);
        }
    }

    private OptionFlags() {
    }

    /** @throws IllegalArgumentException a known option without a value */
    static Parsed parse(List<String> args) {
        StringBuilder agentArgs = new StringBuilder();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                rest.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            AgentOption option = optionFor(name);
            if (option == null) {
                rest.add(arg);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--" + name + " needs a value (" + option.syntax() + ")");
                }
                value = args.get(++i);
            }
            // in agent arguments ',' separates options: a spec's ',' becomes ';', a port list's ',' becomes '+'
            String encoded = option == AgentOption.PORTS ? value.replace(',', '+') : value.replace(',', ';');
            agentArgs.append(agentArgs.length() == 0 ? "" : ",").append(option.key()).append('=').append(encoded);
        }
        return new Parsed(agentArgs.toString(), rest);
    }

    /** An option key, or the proxy options without their {@code proxy.} prefix ({@code --listen}). */
    private static AgentOption optionFor(String name) {
        for (AgentOption option : AgentOption.values()) {
            String key = option.key();
            if (key.equalsIgnoreCase(name) || (key.startsWith("proxy.") && key.substring(6).equalsIgnoreCase(name))) {
                return option;
            }
        }
        return null;
    }
}

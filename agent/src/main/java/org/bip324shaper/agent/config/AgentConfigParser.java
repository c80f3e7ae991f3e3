package org.bip324shaper.agent.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bip324shaper.agent.log.LogLevel;

/**
 * Reads {@link AgentConfig} from agent arguments, system properties and environment variables, in that order of
 * precedence per option (an agent argument beats a system property, which beats an environment variable).
 *
 * <p>Agent arguments are {@code key=value} pairs separated by commas; because of that, a port list joins its
 * ports with {@code '+'} ({@code ports=8333+18444}). Never throws on bad input: see {@link ParsedConfig}.
 */
public final class AgentConfigParser {

    /** Longest argument string looked at: real ones are a few dozen characters. */
    static final int MAX_INPUT_CHARS = 4096;

    private static final String PROPERTY_PREFIX = "bip324.";
    private static final String ENV_PREFIX = "BIP324_";
    private static final Pattern AGENT_PORT_SEPARATOR = Pattern.compile("\\+");
    private static final Pattern STANDALONE_PORT_SEPARATOR = Pattern.compile("[+,]");

    private AgentConfigParser() {
    }

    /** Parses with this JVM's system properties and environment. */
    public static ParsedConfig parseWithSystemSettings(String agentArgs) {
        Map<String, String> properties = new java.util.HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                properties.put(name, System.getProperty(name));
            }
        }
        return parse(agentArgs, properties, System.getenv());
    }

    /**
     * @param agentArgs  the string after {@code -javaagent:jar=}, may be null or empty
     * @param properties system properties (only {@code bip324.*} ones are looked at)
     * @param env        environment variables (only {@code BIP324_*} ones are looked at)
     */
    public static ParsedConfig parse(String agentArgs, Map<String, String> properties, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<AgentOption, RawValue> raw = new EnumMap<>(AgentOption.class);
        // lowest precedence first, so later sources overwrite
        collectPrefixed(env, ENV_PREFIX, "environment variable", problems, raw, AgentOption::environmentVariable);
        collectPrefixed(properties, PROPERTY_PREFIX, "system property", problems, raw, AgentOption::systemProperty);
        collectAgentArgs(agentArgs, problems, raw);

        AgentConfig defaults = AgentConfig.defaults();
        PaddingMode padding = parseValue(raw.get(AgentOption.PADDING), v -> parseEnum(PaddingMode.class, v),
                defaults.padding(), problems);
        DecoyMode decoy = parseValue(raw.get(AgentOption.DECOY), v -> parseEnum(DecoyMode.class, v),
                defaults.decoy(), problems);
        SortedSet<Integer> ports = parseValue(raw.get(AgentOption.PORTS), AgentConfigParser::parsePorts,
                defaults.ports(), problems);
        boolean loopback = parseValue(raw.get(AgentOption.LOOPBACK), AgentConfigParser::parseBoolean,
                defaults.loopback(), problems);
        boolean requireV2 = parseValue(raw.get(AgentOption.REQUIRE_V2), AgentConfigParser::parseBoolean,
                defaults.requireV2(), problems);
        LogLevel logLevel = parseValue(raw.get(AgentOption.LOG), AgentConfigParser::parseLog, defaults.logLevel(), problems);
        return new ParsedConfig(new AgentConfig(padding, decoy, ports, loopback, requireV2, logLevel), problems);
    }

    /** A setting's text and where it came from, for messages. */
    private record RawValue(AgentOption option, String text, String source) {
    }

    private static void collectAgentArgs(String agentArgs, List<String> problems, Map<AgentOption, RawValue> raw) {
        if (agentArgs == null || agentArgs.isBlank()) {
            return;
        }
        if (agentArgs.length() > MAX_INPUT_CHARS) {
            problems.add("agent arguments longer than " + MAX_INPUT_CHARS + " characters; all ignored");
            return;
        }
        List<AgentOption> seen = new ArrayList<>();
        for (String token : agentArgs.split(",")) {
            String pair = token.trim();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                problems.add("agent argument '" + pair + "' is not key=value"
                        + (looksLikePort(pair) ? " (join ports with '+', e.g. ports=8333+18444)" : "") + "; ignored");
                continue;
            }
            String key = pair.substring(0, eq).trim();
            Optional<AgentOption> option = AgentOption.fromKey(key);
            if (option.isEmpty()) {
                problems.add("unknown agent argument '" + key + "' (known: " + knownKeys() + "); ignored");
                continue;
            }
            if (seen.contains(option.get())) {
                problems.add("agent argument '" + option.get().key() + "' given twice; the last one is used");
            }
            seen.add(option.get());
            raw.put(option.get(), new RawValue(option.get(), pair.substring(eq + 1).trim(), "agent argument"));
        }
    }

    private static void collectPrefixed(Map<String, String> source, String prefix, String kind, List<String> problems,
                                        Map<AgentOption, RawValue> raw,
                                        java.util.function.Function<AgentOption, String> nameOf) {
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(source).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(prefix)) {
                continue;
            }
            Optional<AgentOption> option = java.util.Arrays.stream(AgentOption.values())
                    .filter(o -> nameOf.apply(o).equals(name))
                    .findFirst();
            if (option.isEmpty()) {
                problems.add("unknown " + kind + " " + name + " (known: " + knownKeys() + "); ignored");
                continue;
            }
            String text = entry.getValue() == null ? "" : entry.getValue().trim();
            raw.put(option.get(), new RawValue(option.get(), text, kind + " " + name));
        }
    }

    private static <T> T parseValue(RawValue value, java.util.function.Function<RawValue, Optional<T>> parser,
                                    T fallback, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        Optional<T> parsed = value.text().length() > MAX_INPUT_CHARS ? Optional.empty() : parser.apply(value);
        if (parsed.isPresent()) {
            return parsed.get();
        }
        problems.add(value.option().key() + ": bad value '" + shorten(value.text()) + "' from " + value.source()
                + " (expected " + value.option().syntax() + "); using the default " + value.option().defaultText());
        return fallback;
    }

    private static <E extends Enum<E>> Optional<E> parseEnum(Class<E> type, RawValue value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.text())) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    private static Optional<Boolean> parseBoolean(RawValue value) {
        switch (value.text().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return Optional.of(Boolean.TRUE);
            case "false": case "no": case "off": case "0":
                return Optional.of(Boolean.FALSE);
            default:
                return Optional.empty();
        }
    }

    private static Optional<SortedSet<Integer>> parsePorts(RawValue value) {
        // a comma can only separate ports where the value stands alone; in agent arguments it separates options
        Pattern separator = value.source().equals("agent argument") ? AGENT_PORT_SEPARATOR : STANDALONE_PORT_SEPARATOR;
        SortedSet<Integer> ports = new TreeSet<>();
        for (String part : separator.split(value.text(), -1)) {
            String digits = part.trim();
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int port = Integer.parseInt(digits);
            if (port < 1 || port > 65535) {
                return Optional.empty();
            }
            ports.add(port);
        }
        return ports.isEmpty() ? Optional.empty() : Optional.of(ports);
    }

    private static Optional<LogLevel> parseLog(RawValue value) {
        return LogLevel.fromId(value.text());
    }

    private static boolean looksLikePort(String text) {
        return !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String knownKeys() {
        StringBuilder keys = new StringBuilder();
        for (AgentOption option : AgentOption.values()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(option.key());
        }
        return keys.toString();
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}

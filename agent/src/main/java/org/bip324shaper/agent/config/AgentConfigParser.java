package org.bip324shaper.agent.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.net.InetSocketAddress;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.agent.log.LogSink;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.shaping.ShapingStrategies;

/**
 * Reads {@link AgentConfig} from agent arguments, system properties and environment variables, in that order of
 * precedence per option (an agent argument beats a system property, which beats an environment variable).
 *
 * <p>Agent arguments are {@code key=value} pairs separated by commas; because of that, a port list joins its
 * ports with {@code '+'} ({@code ports=8333+18444}). Never throws on bad input: see {@link ParsedConfig}.
 *
 * <p>Runs inside premain, before the wallet starts: plain loops, no regular expressions, streams or lambdas,
 * each of which would cost start-up time.
 */
public final class AgentConfigParser {

    /** Longest argument string or value looked at: real ones are a few dozen characters. */
    static final int MAX_INPUT_CHARS = 4096;

    private static final String PROPERTY_PREFIX = "bip324.";
    private static final String ENV_PREFIX = "BIP324_";
    private static final String AGENT_ARGUMENT = "agent argument";
    /** The shaping preset made for wallets: it turns every {@link Normalization} on unless {@code normalize} says. */
    static final String WALLET_PRESET = "wallet";

    private AgentConfigParser() {
    }

    /** Parses with this JVM's system properties and environment. */
    public static ParsedConfig parseWithSystemSettings(String agentArgs) {
        Map<String, String> properties = new HashMap<>();
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
        collectPrefixed(env, ENV_PREFIX, "environment variable", false, problems, raw);
        collectPrefixed(properties, PROPERTY_PREFIX, "system property", true, problems, raw);
        collectAgentArgs(agentArgs, problems, raw);
        RawValue configFile = raw.remove(AgentOption.CONFIG);
        if (configFile != null) {
            collectFile(configFile, problems, raw); // below everything else: only fills what is still unset
        }

        AgentConfig defaults = AgentConfig.defaults();
        PaddingMode padding = defaults.padding();
        DecoyMode decoy = defaults.decoy();
        SortedSet<Integer> ports = defaults.ports();
        boolean loopback = defaults.loopback();
        boolean requireV2 = defaults.requireV2();
        LogLevel logLevel = defaults.logLevel();
        Optional<String> shaping = defaults.shaping();
        Optional<java.nio.file.Path> traceDir = defaults.traceDir();
        Optional<AeadBackend> aead = defaults.aead();
        LogSink logSink = defaults.logSink();
        boolean jmx = defaults.jmx();
        InetSocketAddress proxyListen = defaults.proxyListen();
        Optional<InetSocketAddress> upstreamSocks = defaults.upstreamSocks();
        Map<AgentOption, String> sources = new EnumMap<>(AgentOption.class);
        if (configFile != null) {
            sources.put(AgentOption.CONFIG, configFile.source());
        }
        java.time.Duration v1Memory = defaults.v1Memory();
        java.util.Set<Normalization> normalize = null; // not given: follows the shaping preset
        boolean shapingGiven = false;
        boolean paddingOrDecoyGiven = false;
        for (RawValue value : raw.values()) {
            if (value.option() == AgentOption.SHAPING) {
                String problem = shapingProblem(value.text());
                if (problem == null) {
                    shaping = Optional.of(normalizeShaping(value.text()));
                    sources.put(value.option(), value.source());
                } else {
                    problems.add("shaping: bad value '" + shorten(value.text()) + "' from " + value.source() + " ("
                            + problem + "); using padding and decoy instead");
                    shaping = Optional.empty();
                }
                shapingGiven = true;
                continue;
            }
            if (value.option() == AgentOption.TRACE) {
                String text = value.text().trim();
                if (text.equalsIgnoreCase("off") || text.isEmpty()) {
                    traceDir = Optional.empty();
                } else if (text.length() > MAX_INPUT_CHARS || text.indexOf('\0') >= 0) {
                    problems.add("trace: bad value '" + shorten(text) + "' from " + value.source()
                            + " (expected a directory); recording no traces");
                    continue;
                } else {
                    traceDir = Optional.of(java.nio.file.Path.of(text));
                }
                sources.put(value.option(), value.source());
                continue;
            }
            if (value.option() == AgentOption.AEAD) {
                String text = value.text().trim();
                if (text.equalsIgnoreCase("auto")) {
                    aead = Optional.empty();
                    sources.put(value.option(), value.source());
                    continue;
                }
                AeadBackend backend = null;
                try {
                    backend = text.length() > MAX_INPUT_CHARS ? null : AeadBackend.parse(text);
                } catch (IllegalArgumentException e) {
                    backend = null;
                }
                if (backend == null) {
                    problems.add("aead: bad value '" + shorten(text) + "' from " + value.source() + " (expected "
                            + AgentOption.AEAD.syntax() + "); using auto");
                } else if (!backend.isAvailable()) {
                    problems.add("aead: " + backend.id() + " from " + value.source()
                            + " is not available on this JDK (no SunJCE ChaCha20-Poly1305); using auto");
                } else {
                    aead = Optional.of(backend);
                    sources.put(value.option(), value.source());
                }
                continue;
            }
            if (value.option() == AgentOption.NORMALIZE) {
                java.util.Set<Normalization> parsed = value.text().length() > MAX_INPUT_CHARS ? null
                        : Normalization.parse(value.text());
                if (parsed == null) {
                    problems.add("normalize: bad value '" + shorten(value.text()) + "' from " + value.source()
                            + " (expected " + AgentOption.NORMALIZE.syntax() + "); using "
                            + AgentOption.NORMALIZE.defaultText());
                } else {
                    normalize = parsed;
                    sources.put(value.option(), value.source());
                }
                continue;
            }
            Object parsed = value.text().length() > MAX_INPUT_CHARS ? null : parseValue(value);
            if (parsed == null) {
                problems.add(value.option().key() + ": bad value '" + shorten(value.text()) + "' from "
                        + value.source() + " (expected " + value.option().syntax() + "); using the default "
                        + value.option().defaultText());
                continue;
            }
            sources.put(value.option(), value.source());
            switch (value.option()) {
                case PADDING: padding = (PaddingMode) parsed; paddingOrDecoyGiven = true; break;
                case DECOY: decoy = (DecoyMode) parsed; paddingOrDecoyGiven = true; break;
                case PORTS: ports = asPorts(parsed); break;
                case LOOPBACK: loopback = (Boolean) parsed; break;
                case REQUIRE_V2: requireV2 = (Boolean) parsed; break;
                case LOG: logLevel = (LogLevel) parsed; break;
                case LOG_SINK: logSink = (LogSink) parsed; break;
                case JMX: jmx = (Boolean) parsed; break;
                case PROXY_LISTEN: proxyListen = (InetSocketAddress) parsed; break;
                case UPSTREAM_SOCKS:
                    upstreamSocks = parsed == NONE ? Optional.empty() : Optional.of((InetSocketAddress) parsed);
                    break;
                case V1_MEMORY: v1Memory = (java.time.Duration) parsed; break;
                default: throw new AssertionError(value.option());
            }
        }
        if (paddingOrDecoyGiven && !shapingGiven) {
            shaping = Optional.empty(); // padding and decoy decide: the default shaping is for no options at all
        }
        if (normalize == null) {
            normalize = shaping.isPresent() && shaping.get().equals(WALLET_PRESET) ? Normalization.wallet()
                    : Normalization.none();
        }
        return new ParsedConfig(new AgentConfig(padding, decoy, shaping, ports, loopback, requireV2, logLevel,
                traceDir, aead, logSink, jmx, proxyListen, upstreamSocks, v1Memory, normalize), problems, sources);
    }

    /** Longest configuration file read: real ones are a few hundred bytes. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    /** Adds the options of the file {@code configFile} names, where no other source set them. */
    private static void collectFile(RawValue configFile, List<String> problems, Map<AgentOption, RawValue> raw) {
        String name = configFile.text().trim();
        String source = "config file " + name;
        java.util.Properties file = new java.util.Properties();
        try {
            java.nio.file.Path path = java.nio.file.Path.of(name);
            if (java.nio.file.Files.size(path) > MAX_FILE_BYTES) {
                problems.add("config: " + name + " (from " + configFile.source() + ") is larger than "
                        + MAX_FILE_BYTES + " bytes; ignored");
                return;
            }
            try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(path,
                    java.nio.charset.StandardCharsets.UTF_8)) {
                file.load(reader);
            }
        } catch (java.io.IOException | RuntimeException e) {
            problems.add("config: cannot read " + shorten(name) + " (from " + configFile.source() + "): "
                    + e.getClass().getSimpleName() + "; ignored");
            return;
        }
        for (String key : new java.util.TreeSet<>(file.stringPropertyNames())) {
            String bare = key.startsWith(PROPERTY_PREFIX) ? key.substring(PROPERTY_PREFIX.length()) : key;
            AgentOption option = AgentOption.fromKey(bare).orElse(null);
            if (option == null || option == AgentOption.CONFIG) {
                problems.add("unknown key '" + shorten(key) + "' in " + source + " (known: " + knownKeys()
                        + "); ignored");
                continue;
            }
            if (!raw.containsKey(option)) {
                raw.put(option, new RawValue(option, file.getProperty(key).trim(), source + " (" + key + ")"));
            }
        }
    }

    /** Lower case, trimmed, with ';' (the stand-in for ',' inside agent arguments) turned back into ','. */
    static String normalizeShaping(String text) {
        return text.trim().toLowerCase(Locale.ROOT).replace(';', ',');
    }

    /**
     * Why {@code text} is not a shaping configuration, or null if it is one. Only runs when the option is given,
     * so an agent without it never loads the shaping classes in premain.
     */
    private static String shapingProblem(String text) {
        if (text.length() > MAX_INPUT_CHARS || text.isBlank()) {
            return "expected " + AgentOption.SHAPING.syntax();
        }
        try {
            ShapingStrategies.parse(normalizeShaping(text));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A setting's text and where it came from, for messages. */
    private record RawValue(AgentOption option, String text, String source) {
    }

    /** The typed value, or null if the text is not valid for the option. */
    private static Object parseValue(RawValue value) {
        String text = value.text();
        switch (value.option()) {
            case PADDING: return PaddingMode.parse(text);
            case DECOY: return DecoyMode.parse(text);
            case PORTS: return parsePorts(text, !value.source().equals(AGENT_ARGUMENT));
            case LOOPBACK:
            case REQUIRE_V2: return parseBoolean(text);
            case LOG: return LogLevel.fromId(text).orElse(null);
            case LOG_SINK: return LogSink.fromId(text).orElse(null);
            case JMX: return parseBoolean(text);
            case PROXY_LISTEN: return parseHostPort(text);
            case UPSTREAM_SOCKS:
                return text.equalsIgnoreCase("none") || text.equalsIgnoreCase("off") ? NONE : parseHostPort(text);
            case V1_MEMORY: return parseMemory(text);
            default: throw new AssertionError(value.option()); // SHAPING, TRACE, AEAD, NORMALIZE: by the caller
        }
    }

    @SuppressWarnings("unchecked")
    private static SortedSet<Integer> asPorts(Object parsed) {
        return (SortedSet<Integer>) parsed;
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
        for (String token : split(agentArgs, ',')) {
            String pair = token.trim();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                problems.add("agent argument '" + pair + "' is not key=value"
                        + (isDigits(pair) && pair.length() <= 5 ? " (join ports with '+', e.g. ports=8333+18444)" : "")
                        + "; ignored");
                continue;
            }
            String key = pair.substring(0, eq).trim();
            AgentOption option = AgentOption.fromKey(key).orElse(null);
            if (option == null) {
                problems.add("unknown agent argument '" + key + "' (known: " + knownKeys() + "); ignored");
                continue;
            }
            if (seen.contains(option)) {
                problems.add("agent argument '" + option.key() + "' given twice; the last one is used");
            }
            seen.add(option);
            raw.put(option, new RawValue(option, pair.substring(eq + 1).trim(), AGENT_ARGUMENT));
        }
    }

    private static void collectPrefixed(Map<String, String> source, String prefix, String kind, boolean isProperty,
                                        List<String> problems, Map<AgentOption, RawValue> raw) {
        for (Map.Entry<String, String> entry : new TreeMap<>(source).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(prefix)) {
                continue;
            }
            AgentOption option = null;
            for (AgentOption candidate : AgentOption.values()) {
                String candidateName = isProperty ? candidate.systemProperty() : candidate.environmentVariable();
                if (candidateName.equals(name)) {
                    option = candidate;
                }
            }
            if (option == null) {
                problems.add("unknown " + kind + " " + name + " (known: " + knownKeys() + "); ignored");
                continue;
            }
            String text = entry.getValue() == null ? "" : entry.getValue().trim();
            raw.put(option, new RawValue(option, text, kind + " " + name));
        }
    }

    /** {@code off} or {@code 0}, else digits and a unit: {@code s}, {@code m} or {@code h}; at most 24 h. */
    private static java.time.Duration parseMemory(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("off") || value.equals("0")) {
            return java.time.Duration.ZERO;
        }
        if (value.length() < 2 || value.length() > 8) {
            return null;
        }
        char unit = value.charAt(value.length() - 1);
        String digits = value.substring(0, value.length() - 1);
        if (!isDigits(digits)) {
            return null;
        }
        long seconds = Long.parseLong(digits) * (unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : -1);
        if (seconds <= 0 || seconds > AgentConfig.MAX_V1_MEMORY.toSeconds()) {
            return null;
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    private static Boolean parseBoolean(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return Boolean.TRUE;
            case "false": case "no": case "off": case "0":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /**
     * @param commaToo whether ',' also separates ports: only where the value stands alone (property, env); in
     *                 agent arguments a comma separates options
     */
    private static SortedSet<Integer> parsePorts(String text, boolean commaToo) {
        SortedSet<Integer> ports = new TreeSet<>();
        for (String part : split(commaToo ? text.replace(',', '+') : text, '+')) {
            String digits = part.trim();
            if (digits.isEmpty() || digits.length() > 5 || !isDigits(digits)) {
                return null;
            }
            int port = Integer.parseInt(digits);
            if (port < 1 || port > 65535) {
                return null;
            }
            ports.add(port);
        }
        return ports.isEmpty() ? null : ports;
    }

    /** Stands for "explicitly none" among parsed values, where null means "bad value". */
    private static final Object NONE = new Object();

    /**
     * {@code host:port} or {@code [v6]:port}, unresolved (no DNS in premain), or null if malformed: the host holds
     * only letters, digits, '-', '.', '_' (and, in brackets, ':' and a '%' scope).
     */
    public static InetSocketAddress parseHostPort(String text) {
        String value = text.trim();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1 || value.length() - colon - 1 > 5) {
            return null;
        }
        String host = value.substring(0, colon);
        String port = value.substring(colon + 1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null; // a bare IPv6 address needs brackets to tell its last group from the port
        }
        if (host.isEmpty() || host.length() > 255 || !isDigits(port)) {
            return null;
        }
        // Only what a host name or an IP literal can hold: anything else (a comma, for one) could not be written
        // back as an agent argument, and no resolver would take it.
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean nameChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!nameChar && !(bracketed && (c == ':' || c == '%'))) {
                return null;
            }
        }
        int number = Integer.parseInt(port);
        return number < 1 || number > 65535 ? null : InetSocketAddress.createUnresolved(host, number);
    }

    /** Splits on every separator, keeping empty parts (so "8333+" has a bad, empty second port). */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == separator) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static boolean isDigits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
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

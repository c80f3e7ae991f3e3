package org.bip324shaper.agent.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The agent's options. Each can be given as an agent argument ({@code key=value}), a system property
 * ({@code -Dbip324.key=value}) or an environment variable ({@code BIP324_KEY=value}); this enum is the single
 * place that names them, for the parser and for {@code --help}.
 */
public enum AgentOption {
    PADDING("padding", "random|off", "random",
            "pad v2 packets with a 1..1024-byte decoy each and send 0..4095 bytes of handshake garbage, to hide"
                    + " message sizes"),
    DECOY("decoy", "random|off", "random",
            "send v2 decoy packets at random moments (every 100 ms a 15% chance), to hide traffic timing"),
    SHAPING("shaping", "PRESET|SPEC", "none",
            "v2 traffic shaping, overriding padding and decoy: a preset (reference, light, light-burst, lean,"
                    + " steady, balanced, strong) or a strategy spec such as ticker:min=1s;max=2s+random-decoys"
                    + " (in agent arguments ';' separates a strategy's keys, as ',' separates options)"),
    PORTS("ports", "PORT+PORT+...", "8333+18333+48333+38333+18444",
            "destination ports to intercept, joined with '+' (in a -D property or environment variable ','"
                    + " works too)"),
    LOOPBACK("loopback", "true|false", "false",
            "also intercept loopback destinations (off by default: bitcoinj probes 127.0.0.1:8333 for a local node)"),
    REQUIRE_V2("require-v2", "true|false", "false",
            "refuse intercepted connections that cannot use the v2 transport instead of relaying them as v1"),
    LOG("log", "off|error|warn|info|debug", "info", "how much the agent prints to stderr"),
    NORMALIZE("normalize", "off|wallet|pings+reconnect", "off (wallet with shaping=wallet)",
            "make the wallet's own traffic look like a quiet node's on the wire: answer its 2 s pings locally after the"
                    + " peer's real round trip and keep the upstream alive with Core-like 2 min pings (pings); keep the"
                    + " upstream for 10 s when the wallet drops it after a broadcast and splice its reconnect onto it, so"
                    + " a payment makes no connection event (reconnect); wallet = both"),
    TRACE("trace", "DIR", "off",
            "write one trace file per v2 connection into DIR for the shape evaluation: times, directions and sizes"
                    + " of writes, message types and lengths; never contents or keys");

    private final String key;
    private final String syntax;
    private final String defaultText;
    private final String description;

    AgentOption(String key, String syntax, String defaultText, String description) {
        this.key = key;
        this.syntax = syntax;
        this.defaultText = defaultText;
        this.description = description;
    }

    /** The agent-argument key, e.g. {@code require-v2}. */
    public String key() {
        return key;
    }

    /** e.g. {@code bip324.require-v2}. */
    public String systemProperty() {
        return "bip324." + key;
    }

    /** e.g. {@code BIP324_REQUIRE_V2}. */
    public String environmentVariable() {
        return "BIP324_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String syntax() {
        return syntax;
    }

    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    public static Optional<AgentOption> fromKey(String key) {
        for (AgentOption option : values()) {
            if (option.key.equalsIgnoreCase(key.trim())) {
                return Optional.of(option);
            }
        }
        return Optional.empty();
    }
}

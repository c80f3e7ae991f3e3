package org.bip324shaper.agent.config;

import java.util.Locale;
import java.util.Optional;
import org.bip324shaper.agent.log.RateLimitedLines;

/**
 * The agent's options. Each can be given as an agent argument ({@code key=value}), a system property
 * ({@code -Dbip324.key=value}) or an environment variable ({@code BIP324_KEY=value}); this enum is the single
 * place that names them, for the parser and for {@code --help}.
 */
public enum AgentOption {
    PADDING("padding", "random|off", "random",
            "pad v2 packets with a 1..1024-byte decoy each and send 0..4095 bytes of handshake garbage, to hide"
                    + " message sizes; naming padding or decoy without shaping turns the default wallet shaping off"),
    DECOY("decoy", "random|off", "random",
            "send v2 decoy packets at random moments (every 100 ms a 15% chance), to hide traffic timing"),
    SHAPING("shaping", "PRESET|SPEC", "wallet (none if padding or decoy is given)",
            "v2 traffic shaping, overriding padding and decoy: a preset (wallet, reference, light, light-burst, lean,"
                    + " steady, balanced, strong) or a strategy spec such as ticker:min=1s;max=2s+random-decoys"
                    + " (in agent arguments ';' separates a strategy's keys, as ',' separates options); wallet also"
                    + " turns normalize on"),
    AEAD("aead", "auto|jdk|bouncy-castle", "auto",
            "the ChaCha20-Poly1305 implementation: auto takes the JDK's cipher where this JDK has it (faster from"
                    + " JDK 20 on), else BouncyCastle's; both give identical bytes"),
    PORTS("ports", "PORT+PORT+...", "8333+18333+48333+38333+18444",
            "destination ports to intercept, joined with '+' (in a -D property or environment variable ','"
                    + " works too)"),
    LOOPBACK("loopback", "true|false", "false",
            "also intercept loopback destinations (off by default: bitcoinj probes 127.0.0.1:8333 for a local node)"),
    REQUIRE_V2("require-v2", "true|false", "false",
            "never fall back to plaintext v1: refuse intercepted connections that cannot use the v2 transport"
                    + " instead of relaying them as v1 (recommended where an on-path attacker is a concern)"),
    V1_MEMORY("v1-memory", "off|DURATION", "off",
            "remember a peer that dropped v2 twice in a row as v1-only for DURATION (e.g. 10m, at most 24h), so"
                    + " reconnects skip the v2 attempt; off: every connection tries v2 first"),
    LOG("log", "off|error|warn|info|debug", "info", "how much the agent logs"),
    LOG_SINK("log.sink", "stderr|jul", "stderr",
            "where log lines go: stderr (at most " + RateLimitedLines.DEFAULT_BURST + " lines at once, then "
                    + RateLimitedLines.DEFAULT_PER_SECOND + " a second; the rest is counted) or java.util.logging,"
                    + " logger org.bip324shaper, which an app's SLF4J/logback bridge picks up"),
    JMX("jmx", "true|false", "true",
            "register the platform MBean org.bip324shaper:type=Agent (connections, transports, byte counts) for"
                    + " jconsole and other JMX clients"),
    NORMALIZE("normalize", "off|wallet|all|pings+reconnect+refresh", "wallet with shaping=wallet (the default), else off",
            "make the wallet's own traffic look like a quiet node's on the wire: answer its 2 s pings locally after the"
                    + " peer's real round trip and keep the upstream alive with Core-like 2 min pings (pings); keep the"
                    + " upstream for 10 s when the wallet drops it after a broadcast and splice its reconnect onto it, so"
                    + " a payment makes no connection event (reconnect); send the reconnect's filterload, mempool and"
                    + " getblocks at the next of the 5-15 min refresh slots, each of which sends such a set"
                    + " (refresh; opt-in: bitcoinj then misses confirmations until the slot); wallet = pings+reconnect,"
                    + " all = the three"),
    TRACE("trace", "DIR", "off",
            "write one trace file per v2 connection into DIR for the shape evaluation: times, directions and sizes"
                    + " of writes, message types and lengths; never contents or keys"),
    PROXY_LISTEN("proxy.listen", "HOST:PORT", "127.0.0.1:1080",
            "proxy mode: the SOCKS5 listen address; a non-loopback one also needs --allow-remote"),
    UPSTREAM_SOCKS("proxy.upstream-socks", "HOST:PORT", "none",
            "proxy mode: dial peers through this SOCKS5 proxy (e.g. Tor at 127.0.0.1:9050); host names then"
                    + " resolve there"),
    CONFIG("config", "FILE", "none",
            "a properties file with any of these options (key=value, the key with or without 'bip324.');"
                    + " below the environment in precedence");

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
        return "BIP324_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
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

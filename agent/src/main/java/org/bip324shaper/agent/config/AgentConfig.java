package org.bip324shaper.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Collections;
import java.util.Objects;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.agent.log.LogSink;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.shaping.ShapingStrategies;

/**
 * The agent's effective settings. Build one with {@link AgentConfigParser}; {@link #defaults()} is what an agent
 * started without options uses.
 *
 * @param padding   v2 packet padding (passed to the v2 transport)
 * @param decoy     v2 decoy packets (passed to the v2 transport)
 * @param shaping   a whole v2 shaping configuration (a preset name or a
 *                  {@link org.bip324shaper.core.shaping.ShapingStrategies} spec, already validated) that overrides
 *                  {@code padding} and {@code decoy}; empty to use those two
 * @param ports     destination ports whose connects are intercepted
 * @param loopback  whether loopback destinations are intercepted too
 * @param requireV2 whether an intercepted connection that cannot speak v2 is refused rather than relayed as v1
 * @param logLevel  log verbosity
 * @param traceDir  where to write one shape trace per v2 connection; empty for none
 * @param aead      the packet cipher implementation handed to core; empty for core's preferred one
 * @param logSink   where log lines go
 * @param jmx       whether to register the platform MBean {@code org.bip324shaper:type=Agent}
 * @param proxyListen   proxy mode: the SOCKS5 listen address (unresolved host and port)
 * @param upstreamSocks proxy mode: a SOCKS5 proxy (e.g. Tor) to dial peers through; empty to dial directly
 * @param v1Memory  how long a peer that dropped v2 twice in a row is remembered as v1-only; zero: off
 * @param normalize what the bridge normalizes in the wallet's traffic ({@link Normalization})
 */
public record AgentConfig(PaddingMode padding, DecoyMode decoy, Optional<String> shaping, SortedSet<Integer> ports,
                          boolean loopback, boolean requireV2, LogLevel logLevel, Optional<Path> traceDir,
                          Optional<AeadBackend> aead, LogSink logSink, boolean jmx, InetSocketAddress proxyListen,
                          Optional<InetSocketAddress> upstreamSocks, Duration v1Memory,
                          Set<Normalization> normalize) {

    /** The longest {@code v1-memory}. */
    public static final Duration MAX_V1_MEMORY = Duration.ofHours(24);

    /** The proxy's default listen address: loopback, the port Tor Browser and friends do not use. */
    public static final InetSocketAddress DEFAULT_PROXY_LISTEN = InetSocketAddress.createUnresolved("127.0.0.1", 1080);

    /** The P2P ports of mainnet, testnet3, testnet4, signet and regtest. */
    public static final SortedSet<Integer> DEFAULT_PORTS =
            Collections.unmodifiableSortedSet(new TreeSet<>(java.util.List.of(8333, 18333, 48333, 38333, 18444)));

    public AgentConfig {
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(decoy, "decoy");
        Objects.requireNonNull(shaping, "shaping");
        if (shaping.isPresent()) {
            if (shaping.get().indexOf(';') >= 0) {
                throw new IllegalArgumentException("shaping spec must use ',' (not ';') between keys");
            }
            ShapingStrategies.parse(shaping.get()); // throws IllegalArgumentException naming what is wrong
        }
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(traceDir, "traceDir");
        Objects.requireNonNull(aead, "aead");
        Objects.requireNonNull(logSink, "logSink");
        Objects.requireNonNull(proxyListen, "proxyListen");
        Objects.requireNonNull(upstreamSocks, "upstreamSocks");
        Objects.requireNonNull(v1Memory, "v1Memory");
        if (v1Memory.isNegative() || v1Memory.compareTo(MAX_V1_MEMORY) > 0) {
            throw new IllegalArgumentException("v1 memory must be 0.." + MAX_V1_MEMORY + ", got " + v1Memory);
        }
        Objects.requireNonNull(ports, "ports");
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("at least one port is needed");
        }
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range 1-65535: " + port);
            }
        }
        ports = Collections.unmodifiableSortedSet(new TreeSet<>(ports));
        Objects.requireNonNull(normalize, "normalize");
        normalize = normalize.isEmpty() ? Normalization.none()
                : Collections.unmodifiableSet(EnumSet.copyOf(normalize));
    }

    /** A configuration with the default cipher, log sink, JMX and proxy settings, and no normalization. */
    public AgentConfig(PaddingMode padding, DecoyMode decoy, Optional<String> shaping, SortedSet<Integer> ports,
                       boolean loopback, boolean requireV2, LogLevel logLevel, Optional<Path> traceDir) {
        this(padding, decoy, shaping, ports, loopback, requireV2, logLevel, traceDir, Optional.empty(), LogSink.STDERR,
                true, DEFAULT_PROXY_LISTEN, Optional.empty(), Duration.ZERO, Normalization.none());
    }

    /** A configuration that records no traces. */
    public AgentConfig(PaddingMode padding, DecoyMode decoy, Optional<String> shaping, SortedSet<Integer> ports,
                       boolean loopback, boolean requireV2, LogLevel logLevel) {
        this(padding, decoy, shaping, ports, loopback, requireV2, logLevel, Optional.empty());
    }

    /** A configuration without a shaping spec: {@code padding} and {@code decoy} decide. */
    public AgentConfig(PaddingMode padding, DecoyMode decoy, SortedSet<Integer> ports, boolean loopback,
                       boolean requireV2, LogLevel logLevel) {
        this(padding, decoy, Optional.empty(), ports, loopback, requireV2, logLevel);
    }

    /**
     * What an agent started without options uses: the {@code wallet} shaping preset with its normalization
     * ({@link Normalization#wallet()}), made for the bitcoinj wallets the agent is for. {@code padding} and
     * {@code decoy} keep their own defaults (random) for a configuration that names one of them and no shaping.
     */
    public static AgentConfig defaults() {
        return new AgentConfig(PaddingMode.RANDOM, DecoyMode.RANDOM, Optional.of(AgentConfigParser.WALLET_PRESET),
                DEFAULT_PORTS, false, false, LogLevel.INFO, Optional.empty(), Optional.empty(), LogSink.STDERR, true,
                DEFAULT_PROXY_LISTEN, Optional.empty(), Duration.ZERO, Normalization.wallet());
    }

    /**
     * This configuration with {@code spec} as its shaping override, and the normalization the parser infers for it
     * (all with the {@code wallet} preset, none otherwise).
     *
     * @throws IllegalArgumentException if {@code spec} is not a preset or a valid strategy spec
     */
    public AgentConfig withShaping(String spec) {
        return new AgentConfig(padding, decoy, Optional.of(spec), ports, loopback, requireV2, logLevel, traceDir, aead,
                logSink, jmx, proxyListen, upstreamSocks, v1Memory,
                spec.equals(AgentConfigParser.WALLET_PRESET) ? Normalization.wallet() : Normalization.none());
    }

    /** The cipher core should use: the configured one, else core's preferred one. */
    public AeadBackend aeadBackend() {
        return aead.orElseGet(AeadBackend::preferred);
    }

    public boolean interceptsPort(int port) {
        return ports.contains(port);
    }

    /** This configuration as an agent argument string; {@link AgentConfigParser} reads it back to an equal config. */
    public String toAgentArgs() {
        // a spec's own ',' would end the option in agent arguments; the parser reads ';' back as ','
        return AgentOption.PADDING.key() + "=" + lower(padding)
                + "," + AgentOption.DECOY.key() + "=" + lower(decoy)
                + (shaping.isPresent() ? "," + AgentOption.SHAPING.key() + "=" + shaping.get().replace(',', ';') : "")
                + "," + AgentOption.PORTS.key() + "=" + joinPorts(ports)
                + "," + AgentOption.LOOPBACK.key() + "=" + loopback
                + "," + AgentOption.REQUIRE_V2.key() + "=" + requireV2
                + "," + AgentOption.LOG.key() + "=" + logLevel.id()
                + (traceDir.isPresent() ? "," + AgentOption.TRACE.key() + "=" + traceDir.get() : "")
                + (aead.isPresent() ? "," + AgentOption.AEAD.key() + "=" + aead.get().id() : "")
                + (logSink != LogSink.STDERR ? "," + AgentOption.LOG_SINK.key() + "=" + logSink.id() : "")
                + (jmx ? "" : "," + AgentOption.JMX.key() + "=false")
                + (proxyListen.equals(DEFAULT_PROXY_LISTEN) ? ""
                        : "," + AgentOption.PROXY_LISTEN.key() + "=" + hostPort(proxyListen))
                + (upstreamSocks.isPresent()
                        ? "," + AgentOption.UPSTREAM_SOCKS.key() + "=" + hostPort(upstreamSocks.get()) : "")
                + (v1Memory.isZero() ? "" : "," + AgentOption.V1_MEMORY.key() + "=" + valueText(AgentOption.V1_MEMORY))
                // said whenever it is not what the parser would infer (the wallet preset turns it on)
                + (normalize.isEmpty() && !shaping.equals(Optional.of(AgentConfigParser.WALLET_PRESET)) ? ""
                        : "," + AgentOption.NORMALIZE.key() + "=" + Normalization.format(normalize));
    }

    /**
     * The effective value of one option as its configuration text ({@code off}, {@code none} or {@code auto} where
     * nothing is set), for {@code java -jar bip324-agent.jar config}.
     */
    public String valueText(AgentOption option) {
        switch (option) {
            case PADDING: return lower(padding);
            case DECOY: return lower(decoy);
            case SHAPING: return shaping.orElse("none");
            case AEAD: return aead.map(AeadBackend::id).orElse("auto (" + AeadBackend.preferred().id() + ")");
            case PORTS: return joinPorts(ports);
            case LOOPBACK: return Boolean.toString(loopback);
            case REQUIRE_V2: return Boolean.toString(requireV2);
            case LOG: return logLevel.id();
            case LOG_SINK: return logSink.id();
            case JMX: return Boolean.toString(jmx);
            case NORMALIZE: return Normalization.format(normalize);
            case TRACE: return traceDir.map(Path::toString).orElse("off");
            case PROXY_LISTEN: return hostPort(proxyListen);
            case UPSTREAM_SOCKS: return upstreamSocks.map(AgentConfig::hostPort).orElse("none");
            case V1_MEMORY: return v1Memory.isZero() ? "off" : v1Memory.toSeconds() % 60 == 0
                    ? v1Memory.toMinutes() + "m" : v1Memory.toSeconds() + "s";
            case CONFIG: return "-";
            default: throw new AssertionError(option);
        }
    }

    /** {@code host:port}, IPv6 hosts in brackets; never resolves. */
    static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static String joinPorts(SortedSet<Integer> ports) {
        StringBuilder joined = new StringBuilder();
        for (int port : ports) {
            joined.append(joined.length() == 0 ? "" : "+").append(port);
        }
        return joined.toString();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}

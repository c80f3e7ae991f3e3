package org.bip324shaper.agent.config;

import java.nio.file.Path;

import java.util.Collections;
import java.util.Objects;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bip324shaper.agent.log.LogLevel;
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
 * @param logLevel  stderr verbosity
 * @param traceDir  where to write one shape trace per v2 connection, if anywhere
 * @param normalize what the bridge normalizes in the wallet's traffic ({@link Normalization})
 */
public record AgentConfig(PaddingMode padding, DecoyMode decoy, Optional<String> shaping, SortedSet<Integer> ports,
                          boolean loopback, boolean requireV2, LogLevel logLevel, Optional<Path> traceDir,
                          Set<Normalization> normalize) {

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

    /** A configuration without normalization. */
    public AgentConfig(PaddingMode padding, DecoyMode decoy, Optional<String> shaping, SortedSet<Integer> ports,
                       boolean loopback, boolean requireV2, LogLevel logLevel, Optional<Path> traceDir) {
        this(padding, decoy, shaping, ports, loopback, requireV2, logLevel, traceDir, Normalization.none());
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

    public static AgentConfig defaults() {
        return new AgentConfig(PaddingMode.RANDOM, DecoyMode.RANDOM, DEFAULT_PORTS, false, false, LogLevel.INFO);
    }

    /**
     * This configuration with {@code spec} as its shaping override.
     *
     * @throws IllegalArgumentException if {@code spec} is not a preset or a valid strategy spec
     */
    public AgentConfig withShaping(String spec) {
        return new AgentConfig(padding, decoy, Optional.of(spec), ports, loopback, requireV2, logLevel, traceDir,
                normalize);
    }

    /** This configuration, writing connection traces into {@code dir}. */
    public AgentConfig withTraceDir(Path dir) {
        return new AgentConfig(padding, decoy, shaping, ports, loopback, requireV2, logLevel, Optional.of(dir),
                normalize);
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
                // said whenever it is not what the parser would infer (the wallet preset turns it on)
                + (normalize.isEmpty() && !shaping.equals(Optional.of(AgentConfigParser.WALLET_PRESET)) ? ""
                        : "," + AgentOption.NORMALIZE.key() + "=" + Normalization.format(normalize));
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

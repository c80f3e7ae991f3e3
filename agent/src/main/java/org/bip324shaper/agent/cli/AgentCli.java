package org.bip324shaper.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.config.AgentOption;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.agent.probe.NodeProbe;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.agent.v2.V2UpstreamConnector;
import org.bip324shaper.core.Network;

/** {@code java -jar bip324-agent.jar ...}: help for the agent's options, and a v2 probe of a node. */
public final class AgentCli {

    /** Success; for {@code probe}: the node speaks BIP-324 v2. */
    static final int OK = 0;
    /** {@code probe}: the node dropped the v2 attempt but completed a v1 version exchange. */
    static final int V1_ONLY = 1;
    /** Any error, a bad command line included. */
    static final int ERROR = 2;

    static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(5);

    private AgentCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(help());
            return ERROR;
        }
        switch (args[0]) {
            case "--help":
            case "-h":
            case "help":
                out.print(help());
                out.println();
                ConfigCommand.print(AgentConfigParser.parseWithSystemSettings(null), out);
                return OK;
            case "probe":
                return probe(Arrays.asList(args).subList(1, args.length), out, err);
            case "proxy":
                return ProxyCommand.run(Arrays.asList(args).subList(1, args.length), err);
            case "config":
                return config(Arrays.asList(args).subList(1, args.length), out, err);
            default:
                err.println("unknown command '" + args[0] + "'; see --help");
                return ERROR;
        }
    }

    private static int config(List<String> args, PrintStream out, PrintStream err) {
        OptionFlags.Parsed flags;
        try {
            flags = OptionFlags.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("config: " + e.getMessage());
            return ERROR;
        }
        if (!flags.rest().isEmpty()) {
            err.println("config: unexpected argument '" + flags.rest().get(0) + "'");
            return ERROR;
        }
        ConfigCommand.print(AgentConfigParser.parseWithSystemSettings(flags.agentArgs()), out);
        return OK;
    }

    private static int probe(List<String> args, PrintStream out, PrintStream err) {
        String target = null;
        Network network = Network.MAINNET;
        Duration timeout = DEFAULT_PROBE_TIMEOUT;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--network") || arg.equals("--timeout")) {
                if (i + 1 >= args.size()) {
                    err.println("probe: " + arg + " needs a value");
                    return ERROR;
                }
                String value = args.get(++i);
                try {
                    if (arg.equals("--network")) {
                        network = Network.parse(value);
                    } else {
                        timeout = parseTimeout(value);
                    }
                } catch (IllegalArgumentException e) {
                    err.println("probe: " + e.getMessage());
                    return ERROR;
                }
            } else if (target == null && !arg.startsWith("-")) {
                target = arg;
            } else {
                err.println("probe: unexpected argument '" + arg + "'");
                return ERROR;
            }
        }
        if (target == null || !isHostPort(target)) {
            err.println("probe: needs HOST:PORT, e.g. probe 127.0.0.1:18444 --network regtest");
            return ERROR;
        }
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetSocketAddress node = new InetSocketAddress(host, Integer.parseInt(target.substring(colon + 1)));
        if (node.isUnresolved()) {
            err.println("probe: cannot resolve '" + host + "'");
            return ERROR;
        }
        NodeProbe.Result result;
        try {
            result = new NodeProbe(network, timeout).probe(node);
        } catch (IOException | RuntimeException e) {
            err.println("probe " + target + " (" + network.id() + ") failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return ERROR;
        }
        VersionMessage version = result.peerVersion();
        out.println("node:         " + LogFormat.address(node) + " (" + network.id() + ")");
        out.println("transport:    " + result.transport().id()
                + result.v2Dropped().map(why -> " (v2 attempt dropped: " + why + ")").orElse(""));
        out.println("session id:   " + result.sessionId().orElse("-"));
        out.println("user agent:   " + version.printableUserAgent());
        out.println("start height: " + version.startHeight());
        out.println("protocol:     " + version.protocolVersion());
        out.println("services:     0x" + Long.toHexString(version.services()));
        return result.transport() == NodeProbe.Transport.V2 ? OK : V1_ONLY;
    }

    /** {@code 5s}, {@code 500ms}, {@code 1m}, or a plain number of seconds. */
    static Duration parseTimeout(String text) {
        String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unitMillis = 1000;
        if (value.endsWith("ms")) {
            unitMillis = 1;
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("s")) {
            value = value.substring(0, value.length() - 1);
        } else if (value.endsWith("m")) {
            unitMillis = 60_000;
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > 7 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("--timeout must be like 5s, 500ms or 1m, got '" + text + "'");
        }
        long millis = Long.parseLong(value) * unitMillis;
        if (millis <= 0 || millis > Duration.ofHours(1).toMillis()) {
            throw new IllegalArgumentException("--timeout must be between 1ms and 1h, got '" + text + "'");
        }
        return Duration.ofMillis(millis);
    }

    private static boolean isHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.length() - colon - 1 > 5) {
            return false;
        }
        String port = text.substring(colon + 1);
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }

    static String help() {
        StringBuilder text = new StringBuilder("""
                bip324-agent: makes an unmodified JVM bitcoin wallet (e.g. bitcoinj) use the BIP-324 transport.

                AS A JAVA AGENT
                  java -javaagent:bip324-agent.jar[=OPTIONS] -jar wallet.jar

                  The wallet's outgoing connects to the ports below are redirected to a bridge inside the same
                  JVM (on a loopback port that only this JVM's redirected sockets may use), which dials the real
                  peer and speaks BIP-324 v2 to it, translating the wallet's v1 messages byte for byte, with
                  padding and decoys as configured. getRemoteAddress() and friends still report the real peer.
                  Sockets that use a proxy (e.g. SOCKS to Tor) and unresolved addresses are never touched. If the
                  agent cannot start, the wallet runs without it.

                  v1 fallback (plaintext!): as in Bitcoin Core, only a peer that closed, reset or sent nothing
                  within %d ms, without sending anything at all, is redialed with plain v1 (the wallet's bytes are
                  replayed, it notices nothing but the delay); each downgrade is logged at WARN. A peer that sent
                  anything, even part of a key, and then failed is an error. require-v2=true never falls back:
                  use it where an on-path attacker could force the downgrade. v1-memory=DURATION (off by default)
                  skips the v2 attempt to a peer that dropped it twice in a row. A stream without a known network
                  magic is relayed as v1, untouched (or closed with require-v2=true).

                  OPTIONS is key=value pairs separated by ','; a port list joins ports with '+'.
                  Each option can also be a system property or an environment variable; per option, the agent
                  argument wins over the system property, which wins over the environment variable, which wins
                  over the config=FILE properties file. Unknown keys and bad values are reported on stderr and the
                  default is used. The effective configuration and each value's source end this text.

                """.formatted(V2UpstreamConnector.DEFAULT_V2_TIMEOUT.toMillis()));
        for (AgentOption option : AgentOption.values()) {
            text.append(String.format("  %-11s %s (default %s)%n", option.key(), option.syntax(),
                    option.defaultText()));
            appendWrapped(text, option.description(), "              ", 100);
            text.append("              -D").append(option.systemProperty()).append("=...  or  ")
                    .append(option.environmentVariable()).append("=...\n");
        }
        text.append("""

                  Example: -javaagent:bip324-agent.jar=ports=18444+18445,loopback=true,log=debug
                  Example: -javaagent:bip324-agent.jar=shaping=balanced
                  Example: -javaagent:bip324-agent.jar=shaping=bucketed:floor=256+random-decoys:interval=200ms

                AS A SOCKS5 PROXY (any client with SOCKS5 support: Bitcoin Core -proxy, btcd, bitcoinj)
                  java -jar bip324-agent.jar proxy [--listen HOST:PORT] [--upstream-socks HOST:PORT]
                                                   [--allow-remote] [--OPTION VALUE ...]
                  RFC 1928 CONNECT without authentication; v1 to the client, v2 with shaping to the peer, with
                  the same v1 fallback and log lines as the agent. --listen defaults to 127.0.0.1:1080 and must be
                  a loopback address unless --allow-remote. --upstream-socks dials peers through another SOCKS5
                  proxy (Tor: 127.0.0.1:9050). Any option above works as --OPTION VALUE, e.g. --shaping balanced.
                  Bitcoin Core: bitcoind -proxy=127.0.0.1:1080 -v2transport=0 (Core must not try v2 itself).

                AS A SOCKET FACTORY (no agent: Android, jlink images)
                  new BlockingClientManager(Bip324SocketFactory.forNetwork(Network.MAINNET))

                COMMANDS
                  --help          this text
                  config [--OPTION VALUE ...]
                                  prints the effective configuration and where each value came from
                  proxy ...       the SOCKS5 proxy above
                  probe HOST:PORT [--network NAME] [--timeout DURATION]
                                  BIP-324 handshake with a node as initiator (no shaping), then version/verack;
                                  if the node drops the v2 attempt, the same over v1. Prints the transport, the
                                  session id (as Bitcoin Core's getpeerinfo shows it), the node's user agent and
                                  start height. NAME: main (default), test, testnet4, signet, regtest. DURATION
                                  (e.g. 5s, 500ms; default 5s) bounds the whole probe, every step included
                                  (connect, v2 handshake, version exchange, v1 retry); a silent node gets half of
                                  it before the v1 retry. A failure names the step (connect, key, garbage,
                                  version packet, version message), the bytes received and the likely cause.
                                  Exit code 0: v2; 1: v1 only; 2: error (bad command line included).

                Log lines go to stderr, prefixed [bip324]: one per connection at open (peer, network,
                transport, session id, why v1 if it fell back) and at close (bytes each way; for v2 also the
                genuine, decoy and handshake wire bytes each way). Never keys or message contents.
                """);
        return text.toString();
    }

    private static void appendWrapped(StringBuilder text, String words, String indent, int width) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : words.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                text.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            line.append(line.length() > indent.length() ? " " : "").append(word);
        }
        text.append(line).append('\n');
    }
}

package org.bip324shaper.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.bip324shaper.agent.config.AgentOption;
import org.bip324shaper.core.Network;

/** {@code java -jar bip324-agent.jar ...}: help for the agent's options, and (later) a v2 probe of a node. */
public final class AgentCli {

    /** Success. */
    static final int OK = 0;
    /** The command exists but does nothing yet. */
    static final int NOT_IMPLEMENTED = 2;
    /** Bad command line (sysexits' EX_USAGE). */
    static final int USAGE = 64;

    private AgentCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(help());
            return USAGE;
        }
        switch (args[0]) {
            case "--help":
            case "-h":
            case "help":
                out.print(help());
                return OK;
            case "probe":
                return probe(Arrays.asList(args).subList(1, args.length), err);
            default:
                err.println("unknown command '" + args[0] + "'; see --help");
                return USAGE;
        }
    }

    private static int probe(List<String> args, PrintStream err) {
        String target = null;
        Network network = Network.MAINNET;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--network")) {
                if (i + 1 >= args.size()) {
                    err.println("probe: --network needs a value");
                    return USAGE;
                }
                try {
                    network = Network.parse(args.get(++i));
                } catch (IllegalArgumentException e) {
                    err.println("probe: " + e.getMessage());
                    return USAGE;
                }
            } else if (target == null && !arg.startsWith("-")) {
                target = arg;
            } else {
                err.println("probe: unexpected argument '" + arg + "'");
                return USAGE;
            }
        }
        if (target == null || !isHostPort(target)) {
            err.println("probe: needs HOST:PORT, e.g. probe 127.0.0.1:18444 --network regtest");
            return USAGE;
        }
        err.println("probe " + target + " (" + network.id() + "): not implemented yet"
                + " (the BIP-324 v2 engine is not wired into the agent)");
        return NOT_IMPLEMENTED;
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
                  peer and relays. getRemoteAddress() and friends still report the real peer. Sockets that use a
                  proxy (e.g. SOCKS to Tor) and unresolved addresses are never touched. Until the BIP-324 engine
                  is wired in, the bridge relays plain v1. If the agent cannot start, the wallet runs without it.

                  OPTIONS is key=value pairs separated by ','; a port list joins ports with '+'.
                  Each option can also be a system property or an environment variable; per option, the agent
                  argument wins over the system property, which wins over the environment variable. Unknown keys
                  and bad values are reported on stderr and the default is used.

                """);
        for (AgentOption option : AgentOption.values()) {
            text.append(String.format("  %-11s %s (default %s)%n", option.key(), option.syntax(),
                    option.defaultText()));
            text.append("              ").append(option.description()).append('\n');
            text.append("              -D").append(option.systemProperty()).append("=...  or  ")
                    .append(option.environmentVariable()).append("=...\n");
        }
        text.append("""

                  Example: -javaagent:bip324-agent.jar=ports=18444+18445,loopback=true,log=debug

                COMMANDS
                  --help                              this text
                  probe HOST:PORT [--network NAME]    handshake with a node and report v2 support
                                                      (NAME: main, test, testnet4, signet, regtest;
                                                      not implemented yet: exits with code 2)

                Log lines go to stderr, prefixed [bip324]: one per connection at open (peer, network,
                transport, session id) and at close (bytes each way). Never keys or message contents.
                """);
        return text.toString();
    }
}

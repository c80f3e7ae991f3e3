package org.bip324shaper.bench.agent;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.bridge.V1PassthroughConnector;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.agent.v2.AgentShaping;
import org.bip324shaper.agent.v2.V1OnlyPeers;
import org.bip324shaper.agent.v2.V2UpstreamConnector;
import org.bip324shaper.bench.agent.LoopbackNodes.V1Node;
import org.bip324shaper.bench.agent.LoopbackNodes.V2Node;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * What the agent's bridge costs a wallet on loopback, against a direct v1 connection: throughput of 1 MiB
 * messages and the round trip of 64-byte ones. Three paths, each to an in-process node on 127.0.0.1:
 * <ul>
 *   <li>{@code direct-v1}: the wallet's v1 socket straight to a v1 node (the baseline);</li>
 *   <li>{@code bridge-v2}: the wallet's v1 socket to the agent's bridge, which speaks BIP-324 to a v2 node
 *       (two extra loopback hops and four thread hand-offs per round trip, v1 checksum, ChaCha20-Poly1305);</li>
 *   <li>{@code bridge-v1}: the same bridge relaying plain v1 to the v1 node: the cost of the relay alone;</li>
 *   <li>{@code direct-v2}: a BIP-324 client straight to the v2 node: the cost of the crypto alone.</li>
 * </ul>
 * The wallet's own framing (checksum of the messages it sends) is done once up front, not timed; reading and
 * checking the answers is. Every path reads and writes through core's {@link MessageTransport}. The nodes do what a node's transport does (parse and check, or decrypt and
 * authenticate) and answer ping with pong. Run after {@code mvn -pl bench -am package -DskipTests}:
 * <pre>
 * java -cp bench/target/benchmarks.jar org.bip324shaper.bench.agent.BridgeLoopbackBenchmark [rounds] [pings]
 * </pre>
 * Each shaping configuration (none; the agent's default RANDOM padding and decoys) is measured in turn, the three
 * paths interleaved; medians (and RTT percentiles) over the rounds after a warm-up of the same size.
 */
public final class BridgeLoopbackBenchmark {

    private static final Network NET = Network.REGTEST;
    private static final int MIB = 1 << 20;
    private static final int MESSAGES_PER_ROUND = 32;
    private static final int SMALL = 64;

    private BridgeLoopbackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int pings = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "java %s, %d cores; %d rounds of %d x 1 MiB, %d pings of %d bytes%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds,
                MESSAGES_PER_ROUND, pings, SMALL);
        for (String agentArgs : List.of("padding=off,decoy=off", "padding=random,decoy=random")) {
            AgentConfig config = AgentConfigParser.parse(agentArgs, Map.of(), Map.of()).config();
            AgentLog log = new AgentLog(LogLevel.WARN, System.err);
            try (V1Node v1 = new V1Node(NET); V2Node v2 = new V2Node(NET);
                 Bridge bridge = new Bridge(new V2UpstreamConnector(config, V2UpstreamConnector.DEFAULT_V2_TIMEOUT,
                         V1OnlyPeers.off(), log), BridgeLoopbackBenchmark::dial, log);
                 Bridge relay = new Bridge(new V1PassthroughConnector(), BridgeLoopbackBenchmark::dial, log)) {
                out.println();
                out.println("bridge shaping: " + agentArgs);
                int measuredPings = pings / 500 * 500;
                List<Path> paths = List.of(
                        new Path("direct-v1", Link.v1(dial(v1.address())), rounds, measuredPings),
                        new Path("bridge-v2", Link.v1(viaBridge(bridge, v2.address())), rounds, measuredPings),
                        new Path("bridge-v1", Link.v1(viaBridge(relay, v1.address())), rounds, measuredPings),
                        new Path("direct-v2", Link.v2(v2.address(), config), rounds, measuredPings));
                List<Result> results;
                try {
                    results = measure(paths, rounds, measuredPings);
                } finally {
                    for (Path path : paths) {
                        path.link.close();
                    }
                }
                results.forEach(out::println);
                Result direct = results.get(0);
                Result bridged = results.get(1);
                out.printf(Locale.ROOT, "bridge-v2 vs direct-v1: throughput %.0f%% (target >= 40%%), added RTT p50"
                        + " %+.0f%% (target <= 25%%), p99 %+.0f%%%n", 100 * bridged.mibPerSecond / direct.mibPerSecond,
                        100 * (bridged.rttP50 - direct.rttP50) / direct.rttP50,
                        100 * (bridged.rttP99 - direct.rttP99) / direct.rttP99);
            }
        }
    }

    private record Result(String path, double mibPerSecond, double rttP50, double rttP90, double rttP99) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-10s %8.1f MiB/s   RTT p50 %7.1f us  p90 %7.1f us  p99 %7.1f us",
                    path, mibPerSecond, rttP50 / 1000, rttP90 / 1000, rttP99 / 1000);
        }
    }

    /** One path under test and what was measured on it. */
    private static final class Path {
        final String name;
        final Link link;
        final double[] rates;
        final long[] rtts;

        Path(String name, Link link, int rounds, int pings) {
            this.name = name;
            this.link = link;
            this.rates = new double[rounds];
            this.rtts = new long[pings];
        }

        Result result() {
            Arrays.sort(rates);
            Arrays.sort(rtts);
            return new Result(name, rates[rates.length / 2], rtts[rtts.length / 2], rtts[rtts.length * 9 / 10],
                    rtts[rtts.length * 99 / 100]);
        }
    }

    /**
     * Runs the paths interleaved (round by round, block of pings by block), so that the machine's other load
     * and its drift fall on all of them alike; the first half of the rounds and blocks warms up.
     */
    private static List<Result> measure(List<Path> paths, int rounds, int pings) throws IOException {
        Random random = new Random(324);
        byte[] block = new byte[MIB];
        random.nextBytes(block);
        Prepared bulk = new Prepared(new NetworkMessage("block", block));
        Prepared bulkEnd = new Prepared(new NetworkMessage("ping", new byte[8]));
        for (int round = -rounds; round < rounds; round++) {
            for (int k = 0; k < paths.size(); k++) {
                Path path = paths.get(Math.floorMod(round + k, paths.size()));
                long start = System.nanoTime();
                for (int i = 0; i < MESSAGES_PER_ROUND; i++) {
                    path.link.send(bulk);
                }
                path.link.send(bulkEnd);
                path.link.awaitPong();
                long nanos = System.nanoTime() - start;
                if (round >= 0) {
                    path.rates[round] = MESSAGES_PER_ROUND / (nanos / 1e9);
                }
            }
        }
        byte[] small = new byte[SMALL];
        random.nextBytes(small);
        Prepared ping = new Prepared(new NetworkMessage("ping", small));
        int blockSize = 500;
        int blocks = pings / blockSize;
        for (int b = -blocks; b < blocks; b++) {
            for (Path path : paths) {
                for (int i = 0; i < blockSize; i++) {
                    long start = System.nanoTime();
                    path.link.send(ping);
                    path.link.awaitPong();
                    long nanos = System.nanoTime() - start;
                    if (b >= 0) {
                        path.rtts[b * blockSize + i] = nanos;
                    }
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (Path path : paths) {
            results.add(path.result());
        }
        return results;
    }

    private static Socket dial(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** A "wallet" socket redirected the way the agent's connect hook does it. */
    private static Socket viaBridge(Bridge bridge, InetSocketAddress peer) throws IOException {
        Socket wallet = new Socket();
        wallet.bind(null);
        Bridge.Expected expected = bridge.expect((InetSocketAddress) wallet.getLocalSocketAddress(), peer);
        wallet.connect(expected.bridgeAddress(), 5000);
        wallet.setTcpNoDelay(true);
        return wallet;
    }

    /**
     * A message as a v1 decoder hands it out: in its own frame, checksum known, so a v1 link writes that frame as it
     * is and the wallet's framing is not timed.
     */
    private static final class Prepared {
        final NetworkMessage message;

        Prepared(NetworkMessage message) {
            try {
                this.message = new V1FrameDecoder(NET).decode(ByteBuffer.wrap(new V1FrameEncoder(NET).encode(message)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A wallet's connection: a v1 socket (direct or into the bridge) or a BIP-324 client without the bridge. */
    private static final class Link implements Closeable {
        private final MessageTransport transport;

        Link(MessageTransport transport) {
            this.transport = transport;
        }

        static Link v1(Socket socket) throws IOException {
            return new Link(MessageTransport.v1(socket, NET));
        }

        static Link v2(InetSocketAddress node, AgentConfig config) throws IOException {
            return new Link(MessageTransport.v2(ShapedProtocol.over(dial(node), ShapedProtocol.options(
                    Role.INITIATOR, NET).config(AgentShaping.trafficConfig(config)))));
        }

        void send(Prepared message) throws IOException {
            transport.write(message.message);
        }

        /** Reads (and checks) messages until a pong; returns its payload. */
        byte[] awaitPong() throws IOException {
            while (true) {
                NetworkMessage message = transport.read();
                if (message.command().equals("pong")) {
                    return message.copyPayload();
                }
            }
        }

        @Override
        public void close() throws IOException {
            transport.close();
        }
    }
}

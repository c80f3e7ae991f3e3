package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.agent.testing.BridgeHarness;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.agent.testing.V1Frames;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bitcoinj's broadcast, as the bridge sees it: the wallet writes its {@code tx} and closes its socket at once,
 * without reading what the peer sent meanwhile (so its close is a reset). Under every shaping the bridge offers, the
 * peer must still get every message, the {@code tx} last, and the close line must count nothing undelivered.
 */
class WalletCloseDeliversTest {
    private static final Network NET = Network.REGTEST;
    private static final Duration WAIT = Duration.ofSeconds(10);

    static List<String> shapings() {
        List<String> args = new ArrayList<>(List.of("padding=off,decoy=off", "padding=random,decoy=random"));
        for (ShapingPreset p : ShapingPreset.values()) {
            args.add("shaping=" + p.configName());
        }
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapings")
    void aWalletThatWritesItsTxAndClosesAtOnceLosesNothing(String agentArgs) throws Exception {
        AgentConfig config = AgentConfigParser.parse(agentArgs, java.util.Map.of(), java.util.Map.of()).config();
        Random random = new Random(agentArgs.hashCode());
        List<NetworkMessage> sent = new ArrayList<>();
        sent.add(new NetworkMessage("version",
                VersionMessage.probe(7, 1_700_000_000L).encode(new InetSocketAddress("127.0.0.1", 18444))));
        sent.add(new NetworkMessage("verack", new byte[0]));
        sent.add(new NetworkMessage("sendaddrv2", new byte[0]));
        for (int i = 0; i < 6; i++) {
            byte[] inv = new byte[37];
            random.nextBytes(inv);
            sent.add(new NetworkMessage("inv", inv));
        }
        byte[] tx = new byte[225];
        random.nextBytes(tx);
        sent.add(new NetworkMessage("tx", tx));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (NetworkMessage m : sent) {
            stream.writeBytes(V1Frames.frame(NET, m.command(), m.copyPayload()));
        }

        try (TestV2Node node = new TestV2Node(NET);
             BridgeHarness bridge = new BridgeHarness(log -> new V2UpstreamConnector(config,
                     V2UpstreamConnector.DEFAULT_V2_TIMEOUT, V1OnlyPeers.off(), log))) {
            TestV2Node.Connection connection;
            try (Socket wallet = bridge.wallet(node.address())) {
                wallet.getOutputStream().write(stream.toByteArray(), 0, 10); // the magic and a bit: the dial starts
                connection = node.nextConnection(WAIT);
                assertNotNull(connection, "no v2 connection reached the node\n" + bridge.log());
                for (int i = 0; i < 4; i++) { // the peer talks (less than socket buffers hold); the wallet never reads it
                    connection.write(new NetworkMessage("inv", new byte[1 + 36 * 100]));
                }
                wallet.getOutputStream().write(stream.toByteArray(), 10, stream.size() - 10);
                wallet.getOutputStream().flush();
            } // closed at once, with the peer's messages unread: a reset, as bitcoinj's close after a broadcast often is
            List<Integer> sentOk = new ArrayList<>();
            for (NetworkMessage m : sent) {
                byte[] contents = connection.nextContents(WAIT);
                assertNotNull(contents, m.command() + " never reached the peer under " + agentArgs + " (got "
                        + sentOk + ", node failures " + node.server().failures() + ")\n"
                        + bridge.log());
                sentOk.add(contents.length);
                assertArrayEquals(V1Frames.v2Contents(m.command(), m.copyPayload()), contents, m.command());
            }
            String close = bridge.awaitLog(" close peer=");
            assertTrue(close.contains("undelivered=0 msgs/0 bytes"), close);
        }
    }
}

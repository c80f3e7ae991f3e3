package org.bip324shaper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bip324shaper.it.node.PeerRecord;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.node.Transport;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/**
 * {@code new BlockingClientManager(Bip324SocketFactory.forNetwork(...))} in an unmodified-but-for-that-line bitcoinj
 * wallet, with the agent jar on the classpath and no {@code -javaagent}: the whole wallet life over v2, on this JDK
 * and on JDK 25. The wallet subscribes to the factory's connection events and prints them; the test compares
 * them with what the node saw.
 */
class SocketFactoryIT {

    static List<Path> javas() {
        return WalletJvm.javas();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javas")
    @Timeout(300)
    void aWalletWithTheSocketFactoryAndNoAgentTalksV2(Path java) throws Exception {
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults())) {
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.BLOCKING).route("factory").run();
            OwnNodeWalletIT.checkRun(run, backend.node(), Transport.V2);
            assertFalse(String.join(" ", run.transcript()).contains("-javaagent"), "no agent in the wallet JVM");

            // the events the wallet's own listener received, against the node's records of the same connections
            List<String> opened = run.walletStdout().stream().filter(l -> l.startsWith("EVENT opened ")).toList();
            List<String> closed = run.walletStdout().stream().filter(l -> l.startsWith("EVENT closed ")).toList();
            List<PeerRecord> wallets = backend.node().peers().stream().filter(p -> p.userAgent().isPresent()).toList();
            assertEquals(wallets.size(), opened.size(), run.transcript());
            for (int i = 0; i < wallets.size(); i++) {
                String line = opened.get(i);
                assertTrue(line.contains(" transport=v2 "), line);
                assertEquals(wallets.get(i).sessionIdHex(), Optional.of(line.substring(line.indexOf("session=") + 8)),
                        "session id: the factory's event vs the node\n" + run.transcript());
            }
            assertTrue(closed.size() >= wallets.size() - 1, "a close event per ended connection\n" + run.transcript());
            for (String line : closed) {
                long sent = Long.parseLong(line.replaceAll(".* sent=(\\d+).*", "$1"));
                assertTrue(sent > 0, line);
            }
        }
    }
}

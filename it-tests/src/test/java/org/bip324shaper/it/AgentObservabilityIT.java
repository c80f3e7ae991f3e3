package org.bip324shaper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.bip324shaper.it.node.PeerRecord;
import org.bip324shaper.it.node.RegtestNode;
import org.bip324shaper.it.node.Transport;
import org.bip324shaper.it.scenario.NodeBackend;
import org.bip324shaper.it.scenario.WalletRun;
import org.bip324shaper.it.scenario.WalletScenario;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent fitted into a wallet JVM the way other agents are: configured only by {@code -Dbip324.config=FILE},
 * logging through java.util.logging ({@code log.sink=jul}, a FileHandler here as an app's logging setup would be),
 * and observed through its platform MBean from outside, as jconsole does (attach, local JMX connector).
 */
class AgentObservabilityIT {

    @Test
    @Timeout(300)
    void configFileJulLoggingAndTheMBeanOnARealWallet(@TempDir Path dir) throws Exception {
        Path java = WalletJvm.javas().get(0);
        try (NodeBackend backend = NodeBackend.start(RegtestNode.Options.defaults())) {
            // every agent option comes from the file: without it, loopback=false would leave the node's
            // connection alone and the wallet would reach it over plain v1
            Path config = dir.resolve("bip324.properties");
            Files.writeString(config, "ports=" + backend.p2pPort() + "\nloopback=true\nlog.sink=jul\nlog=debug\n");
            Path julLog = dir.resolve("agent.log");
            Path julConfig = dir.resolve("logging.properties");
            Files.writeString(julConfig, "handlers=java.util.logging.FileHandler\n"
                    + "java.util.logging.FileHandler.pattern=" + julLog.toString().replace("\\", "/") + "\n"
                    + "java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter\n"
                    + "java.util.logging.SimpleFormatter.format=[bip324] %4$s %5$s%n\n"
                    + ".level=WARNING\norg.bip324shaper.level=INFO\n");
            List<Map<String, Object>> seenAtSync = new ArrayList<>();
            List<PeerRecord> nodeAtSync = new ArrayList<>();
            WalletRun run = new WalletScenario(backend, java, WalletMain.Client.NIO, "")
                    .jvmArgs(List.of("-Dbip324.config=" + config, "-Djava.util.logging.config.file=" + julConfig))
                    .connectionLog(() -> read(julLog))
                    .atSync(wallet -> {
                        seenAtSync.addAll(readMBean(wallet.pid()));
                        nodeAtSync.addAll(backend.node().peers());
                    })
                    .run();
            OwnNodeWalletIT.checkRun(run, backend.node(), Transport.V2);
            String transcript = run.transcript();
            String stderr = transcript.substring(transcript.indexOf("--- wallet stderr ---"),
                    transcript.indexOf("--- relay log ---"));
            assertFalse(stderr.contains("[bip324]"), "with log.sink=jul nothing goes to stderr:\n" + transcript);
            assertTrue(read(julLog).contains(" open peer=127.0.0.1:" + backend.p2pPort()), read(julLog));

            Map<String, Object> agent = seenAtSync.get(0);
            assertEquals("agent", agent.get("Mode"));
            assertTrue(((String) agent.get("Configuration")).contains("ports=" + backend.p2pPort()), agent.toString());
            assertEquals(1, agent.get("OpenConnections"), agent.toString());
            assertEquals(1L, agent.get("V2Connections"), agent.toString());
            CompositeData connection = ((CompositeData[]) agent.get("Connections"))[0];
            assertEquals("v2", connection.get("transport"));
            assertEquals("127.0.0.1:" + backend.p2pPort(), connection.get("peer"));
            PeerRecord atNode = nodeAtSync.stream().filter(p -> !p.closed()).findFirst().orElseThrow();
            assertEquals(atNode.sessionIdHex().orElseThrow(), connection.get("sessionId"),
                    "session id: the MBean vs the node");
            assertTrue((Long) connection.get("genuineBytesSent") > 0, connection.toString());
            assertTrue((Long) agent.get("GenuineBytesReceived") > 0, agent.toString());
        }
    }

    /** What jconsole shows: attach to the wallet JVM, start its local JMX agent, read every attribute. */
    private static List<Map<String, Object>> readMBean(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                ObjectName name = new ObjectName("org.bip324shaper:type=Agent");
                Map<String, Object> attributes = new java.util.TreeMap<>();
                for (String attribute : List.of("Mode", "Configuration", "OpenConnections", "TotalConnections",
                        "V2Connections", "Connections", "GenuineBytesSent", "GenuineBytesReceived",
                        "DecoyBytesSent")) {
                    attributes.put(attribute, server.getAttribute(name, attribute));
                }
                return List.of(attributes);
            }
        } finally {
            vm.detach();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code java -jar bip324-agent.jar config}: effective values and their sources, from every kind of source. */
    @Test
    @Timeout(60)
    void theConfigCommandPrintsEachValueAndWhereItCameFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bip324.properties");
        Files.writeString(file, "padding=off\nlog=debug\n");
        ProcessBuilder builder = new ProcessBuilder(WalletJvm.javas().get(0).toString(), "-Dbip324.log=warn",
                "-jar", WalletJvm.agentJar().toString(), "config", "--shaping", "balanced", "--config",
                file.toString());
        builder.environment().put("BIP324_DECOY", "off");
        builder.environment().put("BIP324_AEAD", "bouncy-castle");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        assertTrue(text.matches("(?s).*\\n  padding +off +config file " + java.util.regex.Pattern.quote(file.toString())
                + " \\(padding\\)\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  log +warn +system property bip324.log\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  decoy +off +environment variable BIP324_DECOY\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  aead +bouncy-castle +environment variable BIP324_AEAD\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  shaping +balanced +command-line flag / agent argument\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  ports +8333\\+18333\\+18444\\+38333\\+48333 +default\\n.*"), text);
        assertFalse(text.contains("problem:"), text);
    }
}

package org.bip324shaper.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bip324shaper.agent.config.AgentOption;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.agent.testing.V1OnlyNode;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.junit.jupiter.api.Test;

class AgentCliTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return AgentCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpDocumentsEveryOptionInAllThreeForms() {
        assertEquals(AgentCli.OK, run("--help"));
        String help = out();
        for (AgentOption option : AgentOption.values()) {
            assertTrue(help.contains("  " + option.key() + " "), option.key());
            assertTrue(help.contains("-D" + option.systemProperty() + "="), option.systemProperty());
            assertTrue(help.contains(option.environmentVariable() + "="), option.environmentVariable());
            assertTrue(help.contains("(default " + option.defaultText() + ")"), option.key());
        }
        assertTrue(help.contains("-javaagent:bip324-agent.jar"));
        assertTrue(help.contains(
                "the agent\n  argument wins over the system property, which wins over the environment variable"));
        assertTrue(help.contains("effective configuration"), "help ends with the effective configuration");
    }

    @Test
    void helpDocumentsTheProbeTheFallbackAndShaping() {
        assertEquals(AgentCli.OK, run("--help"));
        String help = out();
        assertTrue(help.contains("probe HOST:PORT [--network NAME] [--timeout DURATION]"), help);
        assertTrue(help.contains("Exit code 0: v2; 1: v1 only; 2: error"), help);
        assertTrue(help.contains("within 2000 ms"), help);
        assertTrue(help.contains("without sending anything at all"), help);
        assertTrue(help.contains("require-v2=true never falls back"), help);
        assertTrue(help.contains("v1-memory=DURATION (off by default)"), help);
        assertTrue(help.contains("bounds the whole probe"), help);
        assertTrue(help.contains("shaping=balanced"), help);
    }

    @Test
    void probeOfAV2NodeReportsV2ItsSessionIdUserAgentAndHeight() throws Exception {
        try (TestV2Node node = new TestV2Node(Network.REGTEST)) {
            int code = run("probe", "127.0.0.1:" + node.port(), "--network", "regtest", "--timeout", "5s");
            assertEquals(AgentCli.OK, code, out() + err());
            TestV2Node.Connection connection = node.nextConnection(WAIT);
            assertNotNull(connection);
            String text = out();
            assertTrue(text.contains("transport:    v2\n"), text);
            assertTrue(text.contains("session id:   " + connection.sessionIdHex() + "\n"), text);
            assertTrue(text.contains("user agent:   " + TestV2Node.USER_AGENT + "\n"), text);
            assertTrue(text.contains("start height: " + TestV2Node.START_HEIGHT + "\n"), text);
            // the node got a version with our user agent, then our verack
            NetworkMessage version = message(connection.nextContents(WAIT));
            assertEquals("version", version.command());
            assertTrue(new String(version.copyPayload(), StandardCharsets.US_ASCII).contains("/bip324-shaper:0.1/"));
            assertEquals("verack", message(connection.nextContents(WAIT)).command());
        }
    }

    @Test
    void probeOfAV1OnlyNodeReportsV1OnlyWithExitCodeOne() throws Exception {
        try (V1OnlyNode node = new V1OnlyNode(Network.REGTEST, V1OnlyNode.OnForeignInput.DROP)) {
            int code = run("probe", "127.0.0.1:" + node.address().getPort(), "--network", "regtest");
            assertEquals(AgentCli.V1_ONLY, code, out() + err());
            String text = out();
            assertTrue(text.contains("transport:    v1-only (v2 attempt dropped: peer "), text);
            assertTrue(text.contains("session id:   -\n"), text);
            assertTrue(text.contains("user agent:   " + V1OnlyNode.USER_AGENT + "\n"), text);
            assertTrue(text.contains("start height: " + V1OnlyNode.START_HEIGHT + "\n"), text);
            assertEquals(1, node.foreignOpenings());
            assertEquals(1, node.v1Connections());
        }
    }

    @Test
    void probeOfASilentNodeFallsBackAfterTheTimeout() throws Exception {
        try (V1OnlyNode node = new V1OnlyNode(Network.REGTEST, V1OnlyNode.OnForeignInput.IGNORE)) {
            int code = run("probe", "127.0.0.1:" + node.address().getPort(), "--network", "regtest",
                    "--timeout", "1s");
            assertEquals(AgentCli.V1_ONLY, code, out() + err());
            assertTrue(out().contains("peer sent nothing within 500 ms"), out()); // half the total, for the v1 retry
        }
    }

    @Test
    void probeOfANodeOnAnotherNetworkIsAnError() throws Exception {
        try (V1OnlyNode node = new V1OnlyNode(Network.MAINNET, V1OnlyNode.OnForeignInput.DROP)) {
            assertEquals(AgentCli.ERROR, run("probe", "127.0.0.1:" + node.address().getPort(), "--network",
                    "regtest", "--timeout", "2s"), out() + err());
            assertTrue(err().contains("failed"), err());
            assertFalse(out().contains("transport:"), out());
        }
    }

    @Test
    void probeOfAClosedPortIsAnError() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        assertEquals(AgentCli.ERROR, run("probe", "127.0.0.1:" + port, "--timeout", "2s"));
        assertTrue(err().contains("probe 127.0.0.1:" + port + " (main) failed: V2HandshakeException: v2 connection"
                + " failed at the connect step (nothing received): the connect failed (no node listening on that"
                + " port, or unreachable) [ConnectException"), err());
    }

    @Test
    void badCommandLinesAreErrors() {
        assertEquals(AgentCli.ERROR, run());
        assertEquals(AgentCli.ERROR, run("frobnicate"));
        assertEquals(AgentCli.ERROR, run("probe"));
        assertEquals(AgentCli.ERROR, run("probe", "localhost"));
        assertEquals(AgentCli.ERROR, run("probe", "localhost:99999"));
        assertEquals(AgentCli.ERROR, run("probe", "localhost:8333", "--network"));
        assertEquals(AgentCli.ERROR, run("probe", "localhost:8333", "--network", "moon"));
        assertEquals(AgentCli.ERROR, run("probe", "localhost:8333", "--timeout", "soon"));
        assertEquals(AgentCli.ERROR, run("probe", "a:1", "b:2"));
        assertTrue(err().contains("unknown network 'moon'"), err());
        assertTrue(err().contains("--timeout must be like 5s, 500ms or 1m, got 'soon'"), err());
        assertEquals("", out());
    }

    @Test
    void timeoutsParse() {
        assertEquals(Duration.ofSeconds(5), AgentCli.parseTimeout("5s"));
        assertEquals(Duration.ofMillis(250), AgentCli.parseTimeout("250ms"));
        assertEquals(Duration.ofMinutes(2), AgentCli.parseTimeout("2m"));
        assertEquals(Duration.ofSeconds(7), AgentCli.parseTimeout("7"));
        for (String bad : new String[] {"", "s", "0s", "-1s", "1.5s", "2h", "61m", "99999999s"}) {
            assertThrows(IllegalArgumentException.class, () -> AgentCli.parseTimeout(bad), bad);
        }
    }

    private static NetworkMessage message(byte[] contents) throws Exception {
        assertNotNull(contents, "the node received nothing");
        return ((V2Decoded.Message) V2MessageCodec.decode(contents)).message();
    }

    @Test
    void configPrintsEffectiveValuesWithTheirSources() {
        assertEquals(AgentCli.OK, run("config", "--shaping", "ticker:min=1s,max=2s", "--ports", "18444,18445",
                "--listen=127.0.0.1:1099"));
        String text = out();
        assertTrue(text.matches("(?s).*\\n  shaping +ticker:min=1s,max=2s +command-line flag.*"), text);
        assertTrue(text.matches("(?s).*\\n  ports +18444\\+18445 +command-line flag.*"), text);
        assertTrue(text.matches("(?s).*\\n  proxy.listen +127.0.0.1:1099 +command-line flag.*"), text);
        assertTrue(text.matches("(?s).*\\n  padding +random +default\\n.*"), text);
        assertEquals(AgentCli.OK, run("config", "--log", "loud"));
        assertTrue(out().contains("problem: log: bad value 'loud'"), out());
        assertEquals(AgentCli.ERROR, run("config", "--bogus"));
        assertEquals(AgentCli.ERROR, run("config", "--shaping"));
        assertTrue(err().contains("--shaping needs a value"), err());
    }

    @Test
    void proxyRefusesANonLoopbackListenAddressWithoutAllowRemote() {
        assertEquals(AgentCli.ERROR, run("proxy", "--listen", "0.0.0.0:1080"));
        assertTrue(err().contains("--allow-remote"), err());
        assertEquals(AgentCli.ERROR, run("proxy", "--frobnicate"));
        assertTrue(err().contains("unexpected argument '--frobnicate'"), err());
    }

    @Test
    void proxyStartsOnLoopbackAndServesUntilClosed() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ProxyCommand.Running running = ProxyCommand.start(java.util.List.of("--listen", "127.0.0.1:" + port,
                "--log", "off", "--jmx", "false"), new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(port, running.proxy().address().getPort());
            try (java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write(new byte[] {5, 1, 0});
                assertEquals(0, client.getInputStream().readNBytes(2)[1], "no-auth chosen");
            }
        } finally {
            running.proxy().close();
        }
    }
}

package org.bip324shaper.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bip324shaper.agent.it.TestServers.EchoServer;
import org.bip324shaper.agent.it.TestServers.SocksServer;
import org.bip324shaper.agent.testing.TestV2Node;
import org.bip324shaper.core.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs {@link ConnectProbeMain} in a child JVM with the shaded agent jar, on this build's JDK and on the extra
 * JDK (25) when installed, against echo servers in this JVM. A relayed connection is recognised by the echo
 * server seeing a client port other than the child socket's local port: the bridge dialed it. And runs
 * {@link V2WalletMain}, a plain v1 wallet, against the project's own BIP-324 node in this JVM.
 */
class AgentEndToEndIT {

    private static final Path AGENT_JAR = Path.of(System.getProperty("bip324.agent.jar", "target/bip324-agent.jar"));
    private static final String CHILD_CLASSPATH = System.getProperty("bip324.it.childClasspath", "target/test-classes");
    private static final List<String> REDIRECTED_CASES =
            List.of("nio-nonblocking", "nio-blocking", "nio-adaptor", "socket-connect", "socket-constructor");
    private static final Pattern CASE_LINE = Pattern.compile(
            "CASE (\\S+) local=(\\d+) remote=(\\S+) inet=(\\S+) echo=(\\S+)");

    private EchoServer selected;
    private EchoServer other;
    private SocksServer socks;

    @BeforeEach
    void startServers() throws IOException {
        assertTrue(Files.isRegularFile(AGENT_JAR), "shaded agent jar missing: " + AGENT_JAR);
        selected = new EchoServer();
        other = new EchoServer();
        socks = new SocksServer();
    }

    @AfterEach
    void stopServers() throws IOException {
        selected.close();
        other.close();
        socks.close();
    }

    static Stream<Path> javas() {
        List<Path> javas = new ArrayList<>();
        javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        String extra = System.getProperty("bip324.it.extraJava", "");
        if (!extra.isBlank() && Files.isExecutable(Path.of(extra)) && !isSameFile(javas.get(0), Path.of(extra))) {
            javas.add(Path.of(extra));
        } else {
            System.err.println("AgentEndToEndIT: no other JDK at '" + extra + "'; running on this JDK only");
        }
        return javas.stream();
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void redirectsSelectedPortsThroughTheBridgeAndReportsTheRealPeer(Path java) throws Exception {
        ChildResult child = runChild(java, List.of(), "loopback=true,ports=" + selected.port() + ",log=debug");

        assertEquals(0, child.exitCode, child.describe());
        String peer = "127.0.0.1:" + selected.port();
        for (String name : REDIRECTED_CASES) {
            CaseResult result = child.cases.get(name);
            assertTrue(result != null, name + " did not run\n" + child.describe());
            assertEquals("ok", result.echo, name + " bytes did not round-trip\n" + child.describe());
            assertEquals(peer, result.remote, name + " getRemote*Address() must be the real peer");
            assertEquals(peer, result.inet, name + " getInetAddress()/getPort() must be the real peer");
            assertFalse(selected.clientPorts.contains(result.localPort),
                    name + " reached the server directly, not through the bridge\n" + child.describe());
        }
        // isolation: the wallet's class path sees none of the agent's classes, only the boot loader's dispatcher
        for (String name : ConnectProbeMain.VISIBILITY_PROBES) {
            String expected = name.endsWith(".bootstrap.ConnectDispatcher") ? "yes" : "no";
            assertTrue(child.stdout.contains("VISIBLE " + name + " " + expected),
                    name + " visible to the wallet: expected " + expected + "\n" + child.describe());
        }
        // every redirected case reached the server exactly once, relayed (plus the SOCKS relay's one connection)
        assertEquals(REDIRECTED_CASES.size() + 1, selected.clientPorts.size(), child.describe());

        CaseResult proxied = child.cases.get("socket-socks-proxy");
        assertEquals("ok", proxied.echo, child.describe());
        assertEquals(List.of(selected.port()), socks.connectPorts,
                "a SOCKS-proxied socket must reach the proxy with its real target, not the bridge");

        for (String name : List.of("socket-other-port", "nio-other-port")) {
            CaseResult direct = child.cases.get(name);
            assertEquals("ok", direct.echo, child.describe());
            assertTrue(other.clientPorts.contains(direct.localPort), name + " must not be redirected");
        }

        String log = child.stderr;
        assertTrue(log.contains("[bip324] INFO  agent active:"), log);
        assertTrue(log.contains("instrumented java.net.Socket"), log);
        assertTrue(log.contains("instrumented sun.nio.ch.SocketChannelImpl"), log);
        assertEquals(REDIRECTED_CASES.size(), count(log, "redirect " + peer + " -> bridge 127.0.0.1:"), log);
        assertEquals(REDIRECTED_CASES.size(),
                count(log, "open peer=" + peer + " network=unknown transport=v1 session=- (unknown network magic:"
                        + " relayed as v1, untouched)"), log);
        Matcher close = Pattern.compile("close peer=" + Pattern.quote(peer)
                + " wallet->peer=(\\d+) peer->wallet=(\\d+) bytes").matcher(log);
        int closes = 0;
        while (close.find()) {
            closes++;
            assertEquals(close.group(1), close.group(2), "an echo returns as many bytes as it got: " + close.group());
            assertTrue(Long.parseLong(close.group(1)) > 4, close.group());
        }
        assertEquals(REDIRECTED_CASES.size(), closes, log);
        assertFalse(log.contains("refused"), log);
        assertFalse(log.contains("WARN"), log);
        assertFalse(log.contains("ERROR"), log);
    }

    @ParameterizedTest
    @MethodSource("javas")
    void aPlainV1WalletTalksBip324ThroughTheAgentToAV2Node(Path java) throws Exception {
        try (TestV2Node node = new TestV2Node(Network.REGTEST)) {
            // the reference shaping (random padding and decoys), so that its decoys show; without normalization,
            // so that the wallet's close ends the v2 connection (the default wallet shaping parks it for 10 s)
            ChildResult child = runChild(java, List.of(), "padding=random,decoy=random,loopback=true,ports="
                    + node.port(), V2WalletMain.class, String.valueOf(node.port()));

            assertEquals(0, child.exitCode, child.describe());
            String peer = "127.0.0.1:" + node.port();
            assertTrue(child.stdout.contains("WALLET remote=" + peer + " ua=" + TestV2Node.USER_AGENT + " height="
                    + TestV2Node.START_HEIGHT + " pong=ok"), child.describe());
            TestV2Node.Connection connection = node.nextConnection(Duration.ofSeconds(10));
            assertTrue(connection != null, "the node saw no v2 connection\n" + child.describe());
            // what the node decrypted: the wallet's messages, with BIP-324's one-byte ID where there is one
            assertEquals(0, connection.nextContents(Duration.ofSeconds(10))[0], "version: long form");
            assertEquals(0, connection.nextContents(Duration.ofSeconds(10))[0], "verack: long form");
            byte[] ping = connection.nextContents(Duration.ofSeconds(10));
            assertEquals(18, ping[0], "ping: short ID 18");
            assertEquals(9, ping.length);

            String log = child.stderr;
            assertTrue(log.contains("agent active: padding=random,decoy=random,ports=" + node.port()
                    + ",loopback=true,require-v2=false,log=info upstream=v2 (v1 fallback after 2000 ms)"), log);
            assertEquals(1, count(log, " open peer=" + peer + " network=regtest transport=v2 session="
                    + connection.sessionIdHex() + "\n"), "the session id must be the node's\n" + log);
            Matcher close = Pattern.compile(" close peer=" + Pattern.quote(peer) + " wallet->peer=\\d+"
                    + " peer->wallet=\\d+ bytes; v2 wire sent genuine=(\\d+) decoy=(\\d+) handshake=\\d+"
                    + " received genuine=(\\d+) decoy=0 handshake=\\d+").matcher(log);
            assertTrue(close.find(), log);
            assertTrue(Long.parseLong(close.group(1)) > 0 && Long.parseLong(close.group(3)) > 0, close.group());
            assertTrue(Long.parseLong(close.group(2)) > 0, "padding=random sends decoys: " + close.group());
            assertFalse(log.contains("WARN"), log);
            assertFalse(log.contains("ERROR"), log);
            assertTrue(connection.awaitEnd(Duration.ofSeconds(10)), "the agent must close the v2 connection");
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void retransformsSocketClassesLoadedBeforeTheAgent(Path java, @TempDir Path tmp) throws Exception {
        Path helper = tmp.resolve("preload-sockets-agent.jar");
        writeAgentJar(helper, PreloadSocketsAgent.class);
        ChildResult child = runChild(java, List.of("-javaagent:" + helper),
                "loopback=true,ports=" + selected.port() + ",log=debug");

        assertEquals(0, child.exitCode, child.describe());
        assertTrue(child.stderr.contains("instrumented java.net.Socket"), child.describe());
        assertTrue(child.stderr.contains("instrumented sun.nio.ch.SocketChannelImpl"), child.describe());
        String peer = "127.0.0.1:" + selected.port();
        for (String name : REDIRECTED_CASES) {
            CaseResult result = child.cases.get(name);
            assertTrue(result != null, name + " did not run\n" + child.describe());
            assertEquals("ok", result.echo, child.describe());
            assertEquals(peer, result.remote, name + " getRemote*Address() must be the real peer");
            assertFalse(selected.clientPorts.contains(result.localPort),
                    name + " reached the server directly, not through the bridge\n" + child.describe());
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void failsOpenWhenTheAgentCannotStart(Path java, @TempDir Path tmp) throws Exception {
        // a helper agent puts a foreign class under the dispatcher's name into the boot loader first: premain
        // must give up with one error line and leave every connection alone
        Path helper = tmp.resolve("early-dispatcher-agent.jar");
        writeAgentJar(helper, EarlyDispatcherAgent.class);
        Path impostor = tmp.resolve("impostor-dispatcher.jar");
        ImpostorDispatcher.writeJar(impostor);
        ChildResult child = runChild(java, List.of("-javaagent:" + helper + "=" + impostor),
                "loopback=true,ports=" + selected.port());

        assertEquals(0, child.exitCode, child.describe());
        assertEquals(1, count(child.stderr, "[bip324]"), "exactly one agent line expected\n" + child.describe());
        assertTrue(child.stderr.contains("[bip324] ERROR agent disabled"), child.describe());
        for (String name : REDIRECTED_CASES) {
            CaseResult result = child.cases.get(name);
            assertEquals("ok", result.echo, child.describe());
            assertTrue(selected.clientPorts.contains(result.localPort), name + " must go direct: agent is off");
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void badConfigurationIsReportedAndDefaultsApply(Path java) throws Exception {
        // ports=abc is invalid, so the default bitcoin ports apply and the test port is not intercepted
        ChildResult child = runChild(java, List.of(), "ports=abc,loopback=maybe,log=loud,bogus=1," + selected.port());

        assertEquals(0, child.exitCode, child.describe());
        String log = child.stderr;
        assertTrue(log.contains("ports: bad value 'abc'"), log);
        assertTrue(log.contains("loopback: bad value 'maybe'"), log);
        assertTrue(log.contains("log: bad value 'loud'"), log);
        assertTrue(log.contains("unknown agent argument 'bogus'"), log);
        assertTrue(log.contains("join ports with '+'"), log);
        assertTrue(log.contains("agent active: padding=random,decoy=random,shaping=wallet,"
                + "ports=8333+18333+18444+38333+48333,loopback=false,require-v2=false,log=info"), log);
        for (String name : REDIRECTED_CASES) {
            CaseResult result = child.cases.get(name);
            assertEquals("ok", result.echo, child.describe());
            assertTrue(selected.clientPorts.contains(result.localPort), name + " must go direct");
        }
    }

    /** The first connect does not pay for the weaving and the hook: the warm-up did both after its delay. */
    @ParameterizedTest
    @MethodSource("javas")
    void theWarmUpReadiesTheConnectPathBeforeAnyConnect(Path java) throws Exception {
        ChildResult child = runChild(java, List.of(), "log=debug", IdleMain.class, "3000");

        assertEquals(0, child.exitCode, child.describe());
        String log = child.stderr;
        assertTrue(log.contains("instrumented java.net.Socket"), log);
        assertTrue(log.contains("instrumented sun.nio.ch.SocketChannelImpl"), log);
        assertTrue(log.contains("[bip324] INFO  agent active:"), log);
        assertTrue(log.contains("connect hook built by the warm-up, before any connect"), log);
    }

    /** Runs the probe with {@code jvmArgs} (before the agent's) and the bip324 agent with {@code agentArgs}. */
    private ChildResult runChild(Path java, List<String> jvmArgs, String agentArgs) throws Exception {
        return runChild(java, jvmArgs, agentArgs, ConnectProbeMain.class, String.valueOf(selected.port()),
                String.valueOf(other.port()), String.valueOf(socks.port()));
    }

    private static ChildResult runChild(Path java, List<String> jvmArgs, String agentArgs, Class<?> main,
                                        String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        // boot classes are not verified by default: make the JVM check the woven JDK classes
        command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal"));
        command.addAll(jvmArgs);
        command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=" + agentArgs);
        command.addAll(List.of("-cp", CHILD_CLASSPATH, main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("bip324-it", ".out");
        Path err = Files.createTempFile("bip324-it", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("BIP324_"));
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child JVM hung: " + command + "\n" + Files.readString(err));
            }
            return new ChildResult(java, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void writeAgentJar(Path jar, Class<?> premainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", premainClass.getName());
        String resource = premainClass.getName().replace('.', '/') + ".class";
        try (InputStream in = premainClass.getClassLoader().getResourceAsStream(resource);
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry(resource));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private record CaseResult(int localPort, String remote, String inet, String echo) {
    }

    private static final class ChildResult {
        final Path java;
        final int exitCode;
        final String stdout;
        final String stderr;
        final Map<String, CaseResult> cases = new LinkedHashMap<>();

        ChildResult(Path java, int exitCode, String stdout, String stderr) {
            this.java = java;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            Matcher m = CASE_LINE.matcher(stdout);
            while (m.find()) {
                cases.put(m.group(1), new CaseResult(Integer.parseInt(m.group(2)), m.group(3), m.group(4),
                        m.group(5)));
            }
        }

        String describe() {
            return "java=" + java + " exit=" + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}

package org.bip324shaper.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bip324shaper.agent.bridge.Bridge;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;

/**
 * A {@link Bridge} with a given upstream, a plain dialer and a captured debug log, plus "wallet" sockets paired
 * the way the connect hook pairs them. Also watches the agent's threads ({@code bip324-*}) for leaks.
 */
public final class BridgeHarness implements Closeable {

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Bridge bridge;
    private final Set<Thread> threadsBefore = agentThreads();

    /** @param connector makes the upstream under test, given the captured log */
    public BridgeHarness(Function<AgentLog, UpstreamConnector> connector) {
        this(connector, Normalization.none());
    }

    /** A bridge that normalizes the wallet's traffic as {@code normalize} says. */
    public BridgeHarness(Function<AgentLog, UpstreamConnector> connector, Set<Normalization> normalize) {
        AgentLog log = new AgentLog(LogLevel.DEBUG, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        bridge = new Bridge(connector.apply(log), peer -> {
            Socket socket = new Socket();
            socket.connect(peer, 5000);
            return socket;
        }, log, normalize);
    }

    /** A connected "wallet" socket: bound first, its pairing registered, then connected to the bridge. */
    public Socket wallet(InetSocketAddress peer) throws IOException {
        Socket wallet = new Socket();
        wallet.bind(null);
        Bridge.Expected expected = bridge.expect((InetSocketAddress) wallet.getLocalSocketAddress(), peer);
        wallet.connect(expected.bridgeAddress(), 5000);
        wallet.setSoTimeout(20_000); // a hung bridge fails the test instead of hanging it
        return wallet;
    }

    public String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits (bounded) for a log line with {@code fragment}; returns the whole log. The wait is never asserted. */
    public String awaitLog(String fragment) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            String text = log();
            if (text.contains(fragment)) {
                return text;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no log line with '" + fragment + "' in:\n" + log());
    }

    /**
     * Waits (bounded) until every agent thread started since this harness was made has ended, or is an idle thread
     * of the bridge's pool (none of them busy); throws naming the ones still alive. Checks what leaks, not how fast
     * things end.
     */
    public void assertNoAgentThreadsLeft(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        Set<Thread> left;
        while (!(left = newAgentThreads()).isEmpty() || bridge.busyThreads() > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("busy bridge threads: " + bridge.busyThreads() + "; agent threads still alive: "
                        + left.stream().map(Thread::getName).sorted().collect(Collectors.toList()) + "\n" + log());
            }
            Thread.sleep(10);
        }
    }

    private Set<Thread> newAgentThreads() {
        Set<Thread> now = agentThreads();
        now.removeAll(threadsBefore);
        // the bridge's listener lives as long as the bridge; per-connection threads must not
        now.removeIf(t -> t.getName().equals("bip324-bridge-accept"));
        // the bridge's pool keeps idle threads for a while (busy ones are counted above)
        now.removeIf(t -> t.getName().matches("bip324-bridge-\\d+"));
        now.removeIf(t -> t.getName().equals("bip324-bridge-timer")); // one for the whole bridge
        return now;
    }

    public static Set<Thread> agentThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("bip324-"))
                .collect(Collectors.toSet());
    }

    @Override
    public void close() {
        bridge.close();
    }
}

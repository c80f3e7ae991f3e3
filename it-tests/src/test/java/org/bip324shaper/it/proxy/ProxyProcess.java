package org.bip324shaper.it.proxy;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code java -jar bip324-agent.jar proxy --listen 127.0.0.1:PORT ...} in a child JVM, as a user runs it. Its
 * stderr (the {@code [bip324]} lines) is kept for {@link #log()}; {@link #close()} stops it.
 */
public final class ProxyProcess implements Closeable {
    private final Process process;
    private final int port;
    private final StringBuilder log = new StringBuilder();
    private final Thread reader;

    private ProxyProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                        log.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "proxy-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the proxy on a free loopback port and waits until it listens. */
    public static ProxyProcess start(Path java, Path agentJar, List<String> args) throws Exception {
        if (!Files.isRegularFile(agentJar)) {
            throw new IOException("agent jar missing: " + agentJar + " (build it: mvn -pl agent -am package)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-jar", agentJar.toString(), "proxy",
                "--listen", "127.0.0.1:" + port));
        cmd.addAll(args);
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        process.getOutputStream().close();
        ProxyProcess proxy = new ProxyProcess(process, port);
        try {
            proxy.awaitLog("SOCKS5 proxy listening on 127.0.0.1:" + port, Duration.ofSeconds(30));
        } catch (Exception e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Waits for a line containing {@code fragment}; fails if the proxy exits first or the time runs out. */
    public String awaitLog(String fragment, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (log.indexOf(fragment) < 0) {
                if (!process.isAlive() && !reader.isAlive()) {
                    throw new IllegalStateException("proxy exited (" + process.exitValue() + "):\n" + log);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no '" + fragment + "' from the proxy within " + timeout + ":\n" + log);
                }
                log.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
            return log.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

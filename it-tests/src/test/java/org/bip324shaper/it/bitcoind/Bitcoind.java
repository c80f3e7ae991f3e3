package org.bip324shaper.it.bitcoind;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real bitcoind on regtest for one test: free loopback ports, its own temporary data directory, bloom filters on
 * (bitcoinj needs them) and loopback peers whitelisted (else transaction relay trickles for seconds).
 * {@link #close()} stops it and deletes the data directory, whatever happened.
 */
public final class Bitcoind implements Closeable {
    /** The environment variable naming the bitcoind executable; tests against bitcoind are skipped without it. */
    public static final String ENVIRONMENT = "BITCOIND";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path datadir;
    private final int p2pPort;
    private final boolean v2transport;
    private final int rpcPort;
    private JsonRpc rpc;

    private Bitcoind(Process process, Path datadir, int p2pPort, int rpcPort, boolean v2transport) {
        this.process = process;
        this.datadir = datadir;
        this.p2pPort = p2pPort;
        this.rpcPort = rpcPort;
        this.v2transport = v2transport;
    }

    /** The executable from {@code $BITCOIND}, when it is set. */
    public static Optional<Path> fromEnvironment() {
        String path = System.getenv(ENVIRONMENT);
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }

    /** Starts bitcoind and waits until its RPC answers. */
    public static Bitcoind start(Path executable, boolean v2transport) throws IOException, InterruptedException {
        return start(executable, v2transport, List.of());
    }

    /** As {@link #start(Path, boolean)}, with more command-line options (e.g. {@code -proxy=}, {@code -connect=}). */
    public static Bitcoind start(Path executable, boolean v2transport, List<String> extraArgs)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(executable)) {
            throw new IOException(ENVIRONMENT + "=" + executable + " is not an executable file");
        }
        Path datadir = Files.createTempDirectory("bip324-bitcoind-");
        Process process = null;
        try {
            int p2pPort = freePort();
            int rpcPort = freePort();
            List<String> cmd = new ArrayList<>(List.of(executable.toString(),
                    "-regtest",
                    "-datadir=" + datadir,
                    "-port=" + p2pPort,
                    "-bind=127.0.0.1",
                    "-listen=1",
                    "-v2transport=" + (v2transport ? 1 : 0),
                    "-peerbloomfilters=1",
                    "-whitelist=noban@127.0.0.1",
                    "-server=1",
                    "-rpcport=" + rpcPort,
                    "-rpcbind=127.0.0.1",
                    "-rpcallowip=127.0.0.1",
                    "-dnsseed=0",
                    "-fixedseeds=0",
                    "-discover=0",
                    "-listenonion=0",
                    "-printtoconsole=0"));
            cmd.addAll(extraArgs);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(datadir.resolve("bitcoind.out").toFile())
                    .start();
            Bitcoind node = new Bitcoind(process, datadir, p2pPort, rpcPort, v2transport);
            node.awaitRpc();
            return node;
        } catch (IOException | InterruptedException | RuntimeException e) {
            stopProcess(process);
            deleteRecursively(datadir);
            throw e;
        }
    }

    private void awaitRpc() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("bitcoind exited with " + process.exitValue() + "\n" + output());
            }
            try {
                // cookie authentication: bitcoind writes a fresh random password into its datadir at start
                Path cookie = datadir.resolve("regtest").resolve(".cookie");
                if (Files.isRegularFile(cookie)) {
                    String[] userAndPassword = Files.readString(cookie, StandardCharsets.UTF_8).trim().split(":", 2);
                    JsonRpc client = new JsonRpc(rpcPort, userAndPassword[0], userAndPassword[1]);
                    client.call("getblockchaininfo");
                    rpc = client;
                    return;
                }
            } catch (IOException | ArrayIndexOutOfBoundsException e) {
                last = e instanceof IOException io ? io : new IOException("cookie not complete yet");
            }
            Thread.sleep(200);
        }
        throw new IOException("bitcoind's RPC did not answer within " + START_TIMEOUT + ": " + last + "\n" + output());
    }

    /** bitcoind's CPU time so far (user + system), if the platform reports it. */
    public java.util.OptionalLong cpuMillis() {
        return process.toHandle().info().totalCpuDuration()
                .map(d -> java.util.OptionalLong.of(d.toMillis())).orElse(java.util.OptionalLong.empty());
    }

    public int p2pPort() {
        return p2pPort;
    }

    public boolean v2transport() {
        return v2transport;
    }

    public JsonRpc rpc() {
        return rpc;
    }

    /** Its regtest debug.log (gone after {@link #close()}). */
    public Path debugLog() {
        return datadir.resolve("regtest").resolve("debug.log");
    }

    /** bitcoind's console output and the end of its debug.log, for failure messages. */
    public String output() {
        StringBuilder sb = new StringBuilder();
        for (Path p : List.of(datadir.resolve("bitcoind.out"), datadir.resolve("regtest").resolve("debug.log"))) {
            try {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                sb.append("--- ").append(p.getFileName()).append(" ---\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException ignored) {
                // not written yet
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    if (rpc == null) {
                        throw new IOException("no RPC connection");
                    }
                    rpc.call("stop");
                } catch (IOException ignored) {
                    // killed below if it does not stop
                }
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    stopProcess(process);
                }
            }
        } catch (InterruptedException e) {
            stopProcess(process);
            Thread.currentThread().interrupt();
        } finally {
            deleteRecursively(datadir);
        }
    }

    private static void stopProcess(Process p) {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort; the directory is under the system temp dir
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** A port nobody listens on right now (the kernel's pick); bitcoind binds it moments later. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

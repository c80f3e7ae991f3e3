package org.bip324shaper.it.wallet;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.Coin;

/**
 * {@link WalletMain} in a child JVM started with the agent. Its stdout lines are collected for {@link #awaitLine};
 * its stderr (where the agent's {@code [bip324]} lines go) is kept whole for {@link #stderr()}.
 */
public final class WalletProcess implements Closeable {
    private final Process process;
    private final List<String> command;
    private final List<String> stdout = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    /** The wallet's stdin, for {@link WalletMain#ON_COMMAND} runs. */
    private final Writer commands;
    /** Guarded by stdout: how many lines {@link #awaitLine} has handed out. */
    private int consumed;

    /**
     * What to start; {@link #start()} launches it.
     *
     * @param route   {@link WalletMain}'s socket route ({@value WalletMain#ROUTE_PROPERTY}); with {@code factory}
     *                the agent jar goes on the classpath
     *                instead of {@code -javaagent}
     * @param jvmArgs more JVM options, e.g. {@code -Dbip324.config=FILE}
     */
    public record Launch(Path java, Path agentJar, String agentOptions, String classpath, int port,
                         WalletMain.Client client, Address payTo, Coin amount, Duration stepTimeout, String route,
                         List<String> jvmArgs) {
        public Launch(Path java, Path agentJar, String agentOptions, String classpath, int port,
                      WalletMain.Client client, Address payTo, Coin amount, Duration stepTimeout) {
            this(java, agentJar, agentOptions, classpath, port, client, payTo, amount, stepTimeout, "direct",
                    List.of());
        }

        /** Whether the wallet runs with {@code -javaagent} (not for a proxy or the socket factory). */
        public boolean withAgent() {
            return route.equals("direct");
        }

        public List<String> command() {
            List<String> cmd = new ArrayList<>();
            cmd.add(java.toString());
            if (withAgent()) {
                cmd.add("-javaagent:" + agentJar + (agentOptions.isEmpty() ? "" : "=" + agentOptions));
            }
            cmd.add("-Xmx256m");
            cmd.add("-D" + WalletMain.ROUTE_PROPERTY + "=" + route);
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(route.equals("factory") ? classpath + File.pathSeparator + WalletJvm.socketFactoryJar(agentJar)
                    : classpath);
            cmd.add(WalletMain.class.getName());
            cmd.add(Integer.toString(port));
            cmd.add(client.name().toLowerCase(Locale.ROOT));
            cmd.add(payTo.toString());
            cmd.add(Long.toString(amount.value));
            cmd.add(Long.toString(stepTimeout.toSeconds()));
            return cmd;
        }

        public WalletProcess start() throws IOException {
            return start(List.of());
        }

        /** Starts the wallet with {@code extraArgs} after the usual ones (e.g. the number of payments). */
        public WalletProcess start(List<String> extraArgs) throws IOException {
            if (!Files.isRegularFile(agentJar)) {
                throw new IOException("agent jar missing: " + agentJar + " (build it: mvn -pl agent -am package)");
            }
            List<String> cmd = new ArrayList<>(command());
            cmd.addAll(extraArgs);
            return new WalletProcess(cmd);
        }
    }

    private WalletProcess(List<String> command) throws IOException {
        this.command = List.copyOf(command);
        this.process = new ProcessBuilder(command).start();
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdoutReader = reader(process.getInputStream(), "stdout", line -> {
            synchronized (stdout) {
                stdout.add(line);
                stdout.notifyAll();
            }
        });
        this.stderrReader = reader(process.getErrorStream(), "stderr", line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        });
    }

    private interface LineSink {
        void accept(String line);
    }

    private Thread reader(InputStream in, String name, LineSink sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                synchronized (stdout) {
                    stdout.notifyAll();
                }
            }
        }, "wallet-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The next unread stdout line starting with {@code prefix + " "} (or equal to it), skipping others; fails when
     * the wallet prints {@code ERROR}, exits, or stays silent past the timeout.
     *
     * @return the rest of the line after the prefix and a space, or "" for a bare word
     */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (true) {
                while (consumed < stdout.size()) {
                    String line = stdout.get(consumed++);
                    if (line.startsWith("ERROR")) {
                        throw new IllegalStateException("wallet failed before " + prefix + ": " + line + "\n"
                                + describe());
                    }
                    if (line.equals(prefix)) {
                        return "";
                    }
                    if (line.startsWith(prefix + " ")) {
                        return line.substring(prefix.length() + 1);
                    }
                }
                if (!process.isAlive() && !stdoutReader.isAlive()) {
                    throw new IllegalStateException("wallet exited (" + process.exitValue() + ") before " + prefix
                            + "\n" + describe());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no " + prefix + " line from the wallet within " + timeout + "\n"
                            + describe());
                }
                stdout.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 500)));
            }
        }
    }

    /** Sends one command line to the wallet's stdin ({@link WalletMain#ON_COMMAND}). */
    public void tell(String command) throws IOException {
        synchronized (commands) {
            commands.write(command + "\n");
            commands.flush();
        }
    }

    /** Waits for the process to exit and its output to be read; returns its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("wallet still running after " + timeout + "\n" + describe());
        }
        stdoutReader.join(TimeUnit.SECONDS.toMillis(10));
        stderrReader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    public List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    public List<String> command() {
        return command;
    }

    /** The wallet JVM's process id (to attach a JMX client, as jconsole does). */
    public long pid() {
        return process.pid();
    }

    /** Command, stdout and stderr, for failure messages. */
    public String describe() {
        return "wallet command: " + String.join(" ", command) + "\n--- wallet stdout ---\n"
                + String.join("\n", stdout()) + "\n--- wallet stderr ---\n" + stderr();
    }

    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException ignored) {
            // the process already ended
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package org.bip324shaper.it.wallet;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Where the wallet JVM's pieces come from: the JDKs to run it on, its classpath and the agent jar. */
public final class WalletJvm {
    /** The second JDK the wallet must also run on; {@code bip324.it.extraJava} overrides it. */
    public static final String DEFAULT_EXTRA_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    private WalletJvm() {
    }

    /** This JVM's java, then the extra JDK when it is installed and is another one. */
    public static List<Path> javas() {
        List<Path> javas = new ArrayList<>();
        Path self = Path.of(System.getProperty("java.home"), "bin", "java");
        javas.add(self);
        Path extra = Path.of(System.getProperty("bip324.it.extraJava", DEFAULT_EXTRA_JAVA));
        if (Files.isExecutable(extra) && !sameFile(self, extra)) {
            javas.add(extra);
        }
        return javas;
    }

    /** The extra JDK, when it is installed. */
    public static boolean hasExtraJava() {
        return javas().size() > 1;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The library jar for apps without {@code -javaagent} ({@code Bip324SocketFactory} on the class path), built
     * beside the agent jar: the agent jar itself serves its classes only to its own class loader.
     */
    public static Path socketFactoryJar(Path agentJar) {
        return agentJar.resolveSibling("bip324-socket-factory.jar");
    }

    /** The shaded agent: {@code bip324.agent.jar}, else agent/target from the project root or from it-tests. */
    public static Path agentJar() {
        String configured = System.getProperty("bip324.agent.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String candidate : List.of("agent/target/bip324-agent.jar", "../agent/target/bip324-agent.jar")) {
            Path p = Path.of(candidate);
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return Path.of("agent/target/bip324-agent.jar").toAbsolutePath();
    }

    /**
     * The wallet's classpath: this test classpath without the project's own core and its BouncyCastle (and the
     * agent's test helpers), so the
     * wallet JVM holds what a real bitcoinj wallet holds (bitcoinj with its signed bcprov-jdk15to18) and meets our
     * code only through the agent jar, whose BouncyCastle is relocated.
     */
    public static String walletClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : testClasspath()) {
            if (!entry.isBlank() && !isProjectCryptoStack(entry) && !isAgentTestHelpers(entry)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static boolean isProjectCryptoStack(String entry) {
        String e = entry.replace('\\', '/').toLowerCase(Locale.ROOT);
        return e.contains("bcprov-jdk18on") || e.contains("/bip324-core-") || e.endsWith("/core/target/classes")
                || e.endsWith("/core/target/classes/");
    }

    /** The agent's test-jar (its test helpers), which the tests use and the wallet must not see. */
    static boolean isAgentTestHelpers(String entry) {
        String e = entry.replace('\\', '/').toLowerCase(Locale.ROOT);
        return (e.contains("/bip324-agent-") && e.endsWith("-tests.jar")) || e.endsWith("/agent/target/test-classes")
                || e.endsWith("/agent/target/test-classes/");
    }

    /**
     * Surefire and failsafe publish the test classpath as {@code surefire.test.class.path}; under exec:java the
     * context class loader holds it; a plain {@code java -cp} run has it in {@code java.class.path}.
     */
    private static List<String> testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank()) {
            return Arrays.asList(surefire.split(File.pathSeparator));
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : urls.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    entries.add(url.getPath());
                }
            }
            return entries;
        }
        return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    }
}

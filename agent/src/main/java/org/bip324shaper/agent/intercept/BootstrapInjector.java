package org.bip324shaper.agent.intercept;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the dispatcher classes (and only them) into the bootstrap class loader, so that code woven into
 * {@code java.base} can call them. Everything else of the agent stays in its own loader ({@code AgentClassLoader}).
 *
 * <p>First choice: define them there directly with the JDK's internal {@code Unsafe.defineClass}. The official
 * fallback, appending a temporary jar to the boot class path, makes the JVM print a warning and turn off class
 * data sharing for the wallet's own classes, so it is only used if the first way fails.
 *
 * <p>Must run before anything loads those classes: once another loader has defined one, the boot copy would
 * never be used. Callers must not touch {@code org.bip324shaper.agent.bootstrap} before this.
 */
public final class BootstrapInjector {

    static final String BOOTSTRAP_PACKAGE = "org.bip324shaper.agent.bootstrap";
    static final String DISPATCHER = BOOTSTRAP_PACKAGE + ".ConnectDispatcher";
    /** In definition order: the hook interface before the dispatcher that names it. */
    private static final String[] CLASSES = {BOOTSTRAP_PACKAGE + ".ConnectHook", DISPATCHER};

    private BootstrapInjector() {
    }

    /**
     * Injects the classes and checks that the bootstrap loader now serves them.
     *
     * @return how they got there, for a debug line
     */
    public static String inject(Instrumentation instrumentation) throws IOException, ClassNotFoundException {
        ClassLoader agentLoader = BootstrapInjector.class.getClassLoader();
        Map<String, byte[]> classes = readClassFiles(agentLoader);
        String how;
        if (defineInBootLoader(instrumentation, classes)) {
            how = "defined in the boot loader";
        } else {
            appendToBootClassPath(instrumentation, classes);
            how = "appended to the boot class path";
        }
        Class<?> dispatcher = Class.forName(DISPATCHER, false, null);
        if (Class.forName(DISPATCHER, false, agentLoader) != dispatcher) {
            throw new IllegalStateException("the dispatcher was loaded before it reached the boot loader");
        }
        return how;
    }

    private static Map<String, byte[]> readClassFiles(ClassLoader loader) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String name : CLASSES) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("agent jar lacks " + resource);
                }
                classes.put(name, in.readAllBytes());
            }
        }
        return classes;
    }

    /** Needs {@code jdk.internal.misc} exported to the agent, which Instrumentation can grant. */
    private static boolean defineInBootLoader(Instrumentation instrumentation, Map<String, byte[]> classes) {
        try {
            instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of("jdk.internal.misc", Set.of(BootstrapInjector.class.getModule())), Map.of(), Set.of(),
                    Map.of());
            Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
            Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                if (!isInBootLoader(entry.getKey())) {
                    byte[] bytes = entry.getValue();
                    define.invoke(unsafe, entry.getKey(), bytes, 0, bytes.length, null, null);
                }
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static boolean isInBootLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void appendToBootClassPath(Instrumentation instrumentation, Map<String, byte[]> classes)
            throws IOException {
        Path jar = Files.createTempFile("bip324-agent-boot", ".jar"); // owner-only permissions on POSIX
        jar.toFile().deleteOnExit();
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey().replace('.', '/') + ".class"));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }
}

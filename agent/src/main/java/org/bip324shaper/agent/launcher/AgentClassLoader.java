package org.bip324shaper.agent.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The agent's own class loader, as the OpenTelemetry Java agent has one: it serves the agent, core and the
 * relocated dependencies from the jar's {@value #PREFIX} entries, stored as {@code *.classdata} so that the
 * wallet's class path (where the JVM puts the agent jar) can load none of them. Parent: the platform loader, so
 * the agent sees the JDK and the bootstrap dispatcher but nothing of the wallet.
 */
final class AgentClassLoader extends ClassLoader {

    static final String PREFIX = "inst/";
    static final String CLASS_SUFFIX = ".classdata";
    /** Defined in the boot loader by the agent, from this jar's class files; never a copy of our own. */
    private static final String BOOTSTRAP_PACKAGE = "org.bip324shaper.agent.bootstrap.";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    AgentClassLoader(JarFile jar, URL jarLocation) {
        super("bip324-agent", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.jarUrl = jarLocation.toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(jarLocation, (Certificate[]) null), null, this, null);
    }

    /** Whether {@code jar} holds the nested agent classes this loader serves. */
    static boolean isAgentJar(JarFile jar) {
        return jar.getJarEntry(PREFIX + "org/bip324shaper/agent/Bip324Agent" + CLASS_SUFFIX) != null;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.startsWith(BOOTSTRAP_PACKAGE)) {
            throw new ClassNotFoundException(name + " is served by the boot loader once the agent has put it there");
        }
        JarEntry entry = jar.getJarEntry(entryName(name.replace('.', '/') + ".class"));
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String packageName = name.substring(0, dot);
            if (getDefinedPackage(packageName) == null) {
                try {
                    definePackage(packageName, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException raced) {
                    // another thread defined it first
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @Override
    protected URL findResource(String name) {
        String entry = entryName(name);
        if (jar.getJarEntry(entry) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entry);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    /** Straight from the jar, without a URL connection: the bootstrap injector reads two class files in premain. */
    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            return super.getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    private static String entryName(String resource) {
        return resource.endsWith(".class")
                ? PREFIX + resource.substring(0, resource.length() - ".class".length()) + CLASS_SUFFIX
                : PREFIX + resource;
    }
}

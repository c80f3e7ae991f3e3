package org.bip324shaper.agent.launcher;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * What the JVM loads from the agent jar: premain, agentmain and the command line's main. The only agent classes
 * on the wallet's class path are this package's two; everything else runs in an {@link AgentClassLoader} of its
 * own, and the bootstrap dispatcher is defined in the boot loader from there. The agent arguments are handed on
 * as they came.
 */
public final class AgentLauncher {

    private static final String AGENT = "org.bip324shaper.agent.Bip324Agent";
    private static final String CLI = "org.bip324shaper.agent.cli.AgentCli";

    private AgentLauncher() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start("premain", agentArgs, instrumentation);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start("agentmain", agentArgs, instrumentation);
    }

    public static void main(String[] args) throws Throwable {
        Class<?> cli = Class.forName(CLI, true, agentLoader());
        try {
            cli.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The agent's own entry point never throws; this only fails if the agent loader cannot be built. */
    private static void start(String entry, String agentArgs, Instrumentation instrumentation) {
        try {
            Class<?> agent = Class.forName(AGENT, true, agentLoader());
            agent.getMethod(entry, String.class, Instrumentation.class).invoke(null, agentArgs, instrumentation);
        } catch (Throwable t) {
            if (agentArgs == null || !agentArgs.contains("log=off")) {
                System.err.println("[bip324] ERROR agent disabled, connections stay plain v1: " + t);
            }
        }
    }

    /** Kept open for the JVM's lifetime, as the class path's own jars are. */
    private static ClassLoader agentLoader() throws Exception {
        URL location = AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation();
        JarFile jar = new JarFile(new File(location.toURI()), false);
        if (!AgentClassLoader.isAgentJar(jar)) {
            jar.close();
            throw new IllegalStateException(location + " holds no nested agent classes");
        }
        return new AgentClassLoader(jar, location);
    }
}

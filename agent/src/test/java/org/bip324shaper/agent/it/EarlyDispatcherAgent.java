package org.bip324shaper.agent.it;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * A helper agent for the fail-open test, run before the bip324 agent: it appends a jar holding a foreign class
 * under the dispatcher's name (see {@link ImpostorDispatcher}) to the boot class path, which the bip324 agent's
 * woven code would then call. The bip324 agent must not start on top of it.
 *
 * <p>Its argument: the path of that jar.
 */
public final class EarlyDispatcherAgent {

    private EarlyDispatcherAgent() {
    }

    public static void premain(String jar, Instrumentation instrumentation) throws IOException {
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }
}

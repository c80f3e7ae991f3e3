package org.bip324shaper.agent.intercept;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import org.bip324shaper.agent.bootstrap.ConnectDispatcher;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.v2.EphemeralKeyPool;

/**
 * The part of the activation that names the bootstrap types. Kept apart from {@link AgentInstaller} (loaded in
 * premain) so that verifying that class never loads {@code ConnectHook} through the agent's loader before the
 * boot loader has it: the JVM would then hold two copies, and the hook could not be installed.
 */
final class HookInstallation {

    private HookInstallation() {
    }

    /**
     * Grants the module access the woven code needs and installs the hook. Returns what builds the hook ahead of
     * the first connect (a plain {@code Runnable}: the caller must not name the bootstrap types), or null if a hook
     * was already there.
     */
    static Runnable install(Instrumentation instrumentation, AgentConfig config, AgentLog log, EphemeralKeyPool keys) {
        openJavaBase(instrumentation);
        DeferredHook hook = new DeferredHook(config, log, keys);
        if (!ConnectDispatcher.install(hook)) {
            return null;
        }
        return new Runnable() { // no lambda bootstrap on the activation path
            @Override
            public void run() {
                hook.prepare();
            }
        };
    }

    /**
     * Lets java.base (where the connect methods are woven) read the boot loader's unnamed module that holds the
     * dispatcher, and opens java.net to this agent for {@link JdkSocketInternals}.
     */
    private static void openJavaBase(Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        Module agent = HookInstallation.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(ConnectDispatcher.class.getModule()), Map.of(),
                Map.of("java.net", Set.of(agent)), Set.of(), Map.of());
    }
}

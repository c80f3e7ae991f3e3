package org.bip324shaper.agent.it;

import java.lang.instrument.Instrumentation;

/**
 * A helper agent for the fail-open test, run before the bip324 agent: it loads the dispatcher class through the
 * system class loader, which is exactly what the bip324 agent must detect and refuse to build on (its advice
 * would call a different copy than the one it installs the hook into).
 */
public final class EarlyDispatcherAgent {

    private EarlyDispatcherAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) throws ClassNotFoundException {
        Class.forName("org.bip324shaper.agent.bootstrap.ConnectDispatcher");
    }
}

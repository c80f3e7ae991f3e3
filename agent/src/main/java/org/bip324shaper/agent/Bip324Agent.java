package org.bip324shaper.agent;

import java.lang.instrument.Instrumentation;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.config.ParsedConfig;
import org.bip324shaper.agent.intercept.AgentInstaller;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;

/**
 * Entry point of {@code -javaagent:bip324-agent.jar[=options]} (and of dynamic attach). Never stops the wallet:
 * any failure leaves the JVM uninstrumented, with one error line on stderr.
 *
 * <p>This class must not reference the bootstrap dispatcher package, not even in a signature, so that nothing
 * loads those classes before {@code BootstrapInjector} has put them on the boot class path.
 */
public final class Bip324Agent {

    private Bip324Agent() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    private static void start(String agentArgs, Instrumentation instrumentation) {
        LogLevel level = LogLevel.INFO;
        try {
            ParsedConfig parsed = AgentConfigParser.parseWithSystemSettings(agentArgs);
            level = parsed.config().logLevel();
            AgentLog log = AgentLog.to(parsed.config().logSink(), level);
            for (String problem : parsed.problems()) {
                log.warn("config: " + problem);
            }
            AgentInstaller.install(parsed.config(), instrumentation, log);
        } catch (Throwable t) {
            if (level != LogLevel.OFF) {
                System.err.println("[bip324] ERROR agent disabled, connections stay plain v1: " + t);
            }
        }
    }
}

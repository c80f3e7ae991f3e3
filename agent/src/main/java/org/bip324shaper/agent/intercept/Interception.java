package org.bip324shaper.agent.intercept;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.AgentBuilder.RedefinitionStrategy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.bip324shaper.agent.log.AgentLog;

/** Installs the connect advice into the JDK's socket classes with byte-buddy. */
final class Interception {

    static final String SOCKET_CHANNEL_IMPL = "sun.nio.ch.SocketChannelImpl";
    static final String SOCKET = "java.net.Socket";

    private Interception() {
    }

    static void install(Instrumentation instrumentation, AgentLog log) {
        // byte-buddy would otherwise inject its Nexus class into the system loader through sun.misc.Unsafe (a
        // warning on JDK 24+); with class format changes disabled nothing needs it. The name is relocated with
        // byte-buddy, so this never affects a byte-buddy of the wallet's own.
        if (System.getProperty(Nexus.PROPERTY) == null) {
            System.setProperty(Nexus.PROPERTY, "true");
        }
        ElementMatcher.Junction<TypeDescription> targets = named(SOCKET_CHANNEL_IMPL).or(named(SOCKET));
        new AgentBuilder.Default()
                // retransforming already-loaded JDK classes: no new members allowed
                .disableClassFormatChanges()
                .with(RedefinitionStrategy.RETRANSFORMATION)
                // a single pass over the loaded classes silently misses java.net.Socket on JDK 25
                .with(RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(new LoggingListener(log))
                // the default ignore rule skips boot classes, which are exactly what we instrument;
                // matching only our two targets also keeps the startup scan cheap
                .ignore(not(targets))
                .type(named(SOCKET_CHANNEL_IMPL))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(Advice.to(ChannelConnectAdvice.class)
                                .on(named("connect").and(takesArguments(SocketAddress.class))))
                        .visit(Advice.to(ChannelConnectAdvice.class)
                                .on(named("blockingConnect").and(takesArguments(SocketAddress.class, long.class)))))
                .type(named(SOCKET))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(Advice.to(SocketConnectAdvice.class)
                                .on(named("connect").and(takesArguments(SocketAddress.class, int.class)))))
                .installOn(instrumentation);
    }

    /** Reports what got instrumented (debug) and what could not be (warn: those connects stay direct). */
    private static final class LoggingListener extends AgentBuilder.Listener.Adapter {
        private final AgentLog log;

        LoggingListener(AgentLog log) {
            this.log = log;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            log.debug("instrumented " + type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            log.warn("could not instrument " + typeName + "; its connects stay direct: " + throwable);
        }
    }
}

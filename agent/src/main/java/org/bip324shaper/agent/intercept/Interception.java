package org.bip324shaper.agent.intercept;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.SocketAddress;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.auxiliary.AuxiliaryType;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;
import org.bip324shaper.agent.log.AgentLog;

/**
 * Weaves the connect advice (byte-buddy {@link Advice}, inlined) into {@code sun.nio.ch.SocketChannelImpl} and
 * {@code java.net.Socket}, by retransformation, without changing their class format (no new members).
 *
 * <p>Deliberately not byte-buddy's {@code AgentBuilder}: building one generates a class at run time and loads
 * most of byte-buddy, which more than doubled the JVM start-up cost of the agent (see startup-bench.sh). A plain
 * {@link ClassFileTransformer} applying the advice's ASM visitor does the same for two known classes. It is
 * registered before the already-loaded targets are looked up, so a target loaded in between is still woven (at
 * load time): the gap that made a single discovery pass miss {@code java.net.Socket} cannot occur here.
 */
final class Interception {

    static final String SOCKET_CHANNEL_IMPL = "sun.nio.ch.SocketChannelImpl";
    static final String SOCKET = "java.net.Socket";

    private Interception() {
    }

    static void install(Instrumentation instrumentation, AgentLog log) throws UnmodifiableClassException {
        ClassFileLocator agentClasses = ClassFileLocator.ForClassLoader.of(Interception.class.getClassLoader());
        AsmVisitorWrapper channelAdvice = Advice.to(ChannelConnectAdvice.class, agentClasses)
                .on(named("connect").and(takesArguments(SocketAddress.class))
                        .or(named("blockingConnect").and(takesArguments(SocketAddress.class, long.class))));
        AsmVisitorWrapper socketAdvice = Advice.to(SocketConnectAdvice.class, agentClasses)
                .on(named("connect").and(takesArguments(SocketAddress.class, int.class)));
        Map<String, AsmVisitorWrapper> advice = Map.of(
                SOCKET_CHANNEL_IMPL.replace('.', '/'), channelAdvice,
                SOCKET.replace('.', '/'), socketAdvice);
        instrumentation.addTransformer(new AdviceTransformer(advice, log), true);
        // registered first, then looked up: a target loaded in between is transformed at load time
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.getClassLoader() == null && (type.getName().equals(SOCKET)
                    || type.getName().equals(SOCKET_CHANNEL_IMPL))) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
        }
    }

    private static final class AdviceTransformer implements ClassFileTransformer {
        private final Map<String, AsmVisitorWrapper> advice;
        private final AgentLog log;

        AdviceTransformer(Map<String, AsmVisitorWrapper> advice, AgentLog log) {
            this.advice = advice;
            this.log = log;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) {
            if (loader != null || internalName == null) {
                return null;
            }
            AsmVisitorWrapper wrapper = advice.get(internalName);
            if (wrapper == null) {
                return null;
            }
            String name = internalName.replace('/', '.');
            try {
                byte[] woven = weave(name, classFile, wrapper);
                log.debug("instrumented " + name);
                return woven;
            } catch (Throwable t) {
                log.warn("could not instrument " + name + "; its connects stay direct: " + t);
                return null;
            }
        }

        /** Runs the class file through the advice visitor; the class's own types resolve from the boot loader. */
        private static byte[] weave(String name, byte[] classFile, AsmVisitorWrapper wrapper) {
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                    ClassFileLocator.ForClassLoader.ofBootLoader());
            TypePool pool = TypePool.Default.of(locator);
            TypeDescription type = pool.describe(name).resolve();
            int writerFlags = wrapper.mergeWriter(0);
            int readerFlags = wrapper.mergeReader(0);
            ClassReader reader = OpenedClassReader.of(classFile);
            ClassWriter writer = new ClassWriter(reader, writerFlags);
            ClassFileVersion version = ClassFileVersion.ofClassFile(classFile);
            Implementation.Context.ExtractableView context = Implementation.Context.Disabled.Factory.INSTANCE.make(
                    type, new AuxiliaryType.NamingStrategy.SuffixingRandom("bip324"), TypeInitializer.None.INSTANCE,
                    version, version);
            reader.accept(wrapper.wrap(type, writer, context, pool, type.getDeclaredFields(),
                    type.getDeclaredMethods(), writerFlags, readerFlags), readerFlags);
            return writer.toByteArray();
        }
    }
}

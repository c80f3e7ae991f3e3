package org.bip324shaper.agent.intercept;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.bip324shaper.agent.log.AgentLog;

/**
 * Weaves calls to the bootstrap {@code ConnectDispatcher} into {@code sun.nio.ch.SocketChannelImpl.connect(
 * SocketAddress)} and {@code blockingConnect(SocketAddress, long)} (which serves {@code channel.socket().connect})
 * and into {@code java.net.Socket.connect(SocketAddress, int)}, which every plain socket connect reaches.
 *
 * <p>A hand-written ASM visitor, not byte-buddy's {@code Advice}: describing types and inlining advice loaded
 * about 500 byte-buddy classes in premain (most of the agent's start-up cost); this needs a dozen ASM classes.
 * The woven code adds no members (so retransformation may apply it), no local variables and no branches:
 * <pre>
 * entry:            target = ConnectDispatcher.beforeConnect(this, target);
 * every return:     [channel only] remoteAddress = ConnectDispatcher.reportedRemote(remoteAddress);
 *                   ConnectDispatcher.afterConnect(this, null);
 * any throwable:    ConnectDispatcher.afterConnect(this, thrown); throw thrown;   (last in the exception table)
 * </pre>
 * The only new stack map frame is the handler's, which names {@code this} alone.
 *
 * <p>In most JVMs neither target is loaded yet in premain; the weaving, and the activation of the agent before
 * it, happen when the program first loads one.
 */
final class ConnectWeaver implements ClassFileTransformer {

    static final String SOCKET_CHANNEL_IMPL = "sun/nio/ch/SocketChannelImpl";
    static final String SOCKET = "java/net/Socket";
    private static final String DISPATCHER = "org/bip324shaper/agent/bootstrap/ConnectDispatcher";
    private static final String SOCKET_ADDRESS = "java/net/SocketAddress";
    private static final String THROWABLE = "java/lang/Throwable";
    /** Most the woven code adds to the operand stack above what the method itself uses. */
    private static final int EXTRA_STACK = 4;

    private final AgentInstaller installer;
    private final AgentLog log;
    /** Set for the load-time weaver: removed from here once it has woven every target it waits for. */
    private final Instrumentation removeWhenDone;
    /** Guarded by this: the targets this weaver still waits for (load-time weaver only). */
    private final Set<String> awaited = new HashSet<>(Set.of(SOCKET_CHANNEL_IMPL, SOCKET));

    private ConnectWeaver(AgentInstaller installer, AgentLog log, Instrumentation removeWhenDone) {
        this.installer = installer;
        this.log = log;
        this.removeWhenDone = removeWhenDone;
    }

    /**
     * Weaves the targets: those not loaded yet when they load, those already loaded by retransformation. Before
     * weaving the first class it has {@code installer} ready what the woven code calls, and weaves nothing if
     * that fails.
     *
     * <p>The load-time weaver is registered without retransformation and removes itself once both targets are
     * woven, so the JVM stops calling it for every class the program loads; the JVM keeps re-applying its output
     * should anything retransform a target later. Only targets loaded before premain (dynamic attach, another
     * agent) need a retransforming weaver, which stays registered.
     */
    static void install(Instrumentation instrumentation, AgentInstaller installer, AgentLog log)
            throws UnmodifiableClassException {
        ConnectWeaver loadTime = new ConnectWeaver(installer, log, instrumentation);
        instrumentation.addTransformer(loadTime, false);
        // registered first, then looked up: a target loaded in between is woven at load time, not missed
        List<Class<?>> missed = new ArrayList<>(2);
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            String internalName = type.getName().replace('.', '/');
            if (type.getClassLoader() == null && isTarget(internalName) && loadTime.stopAwaiting(internalName)) {
                missed.add(type);
            }
        }
        if (!missed.isEmpty()) {
            instrumentation.addTransformer(new ConnectWeaver(installer, log, null), true);
            instrumentation.retransformClasses(missed.toArray(new Class<?>[0]));
        }
    }

    /** True if the target was still awaited, i.e. this weaver has not woven it (it loaded before premain). */
    private boolean stopAwaiting(String internalName) {
        boolean wasAwaited;
        boolean done;
        synchronized (this) {
            wasAwaited = awaited.remove(internalName);
            done = awaited.isEmpty();
        }
        if (done && removeWhenDone != null) {
            removeWhenDone.removeTransformer(this);
        }
        return wasAwaited;
    }

    private static boolean isTarget(String internalName) {
        return SOCKET_CHANNEL_IMPL.equals(internalName) || SOCKET.equals(internalName);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        if (loader != null || internalName == null || !isTarget(internalName)) {
            return null;
        }
        String name = internalName.replace('/', '.');
        try {
            if (!installer.activate()) {
                return null;
            }
            byte[] woven = weave(internalName, classFile);
            log.debug("instrumented " + name);
            return woven;
        } catch (Throwable t) {
            log.warn("could not instrument " + name + "; its connects stay direct: " + t);
            return null;
        } finally {
            if (removeWhenDone != null) {
                stopAwaiting(internalName);
            }
        }
    }

    /** The class file with its connect methods woven; throws if a method to weave is missing. */
    static byte[] weave(String internalName, byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        ClassWeaver weaver = new ClassWeaver(writer, internalName);
        reader.accept(weaver, 0);
        int expected = SOCKET.equals(internalName) ? 1 : 2;
        if (weaver.woven != expected) {
            throw new IllegalStateException("found " + weaver.woven + " of the " + expected
                    + " connect methods to weave");
        }
        return writer.toByteArray();
    }

    private static final class ClassWeaver extends ClassVisitor {
        private final String owner;
        private final boolean channel;
        private String remoteAddressDescriptor;
        int woven;

        ClassWeaver(ClassVisitor next, String owner) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.channel = SOCKET_CHANNEL_IMPL.equals(owner);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            if (channel && name.equals("remoteAddress") && (access & Opcodes.ACC_STATIC) == 0) {
                remoteAddressDescriptor = descriptor;
            }
            return super.visitField(access, name, descriptor, signature, value);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0
                    || !isConnect(name, descriptor)) {
                return next;
            }
            if (channel && remoteAddressDescriptor == null) {
                throw new IllegalStateException(owner + " has no remoteAddress field");
            }
            woven++;
            return new ConnectMethodWeaver(next, owner, channel ? remoteAddressDescriptor : null);
        }

        private boolean isConnect(String name, String descriptor) {
            if (channel) {
                return name.equals("connect") && descriptor.equals("(Ljava/net/SocketAddress;)Z")
                        || name.equals("blockingConnect") && descriptor.equals("(Ljava/net/SocketAddress;J)V");
            }
            return name.equals("connect") && descriptor.equals("(Ljava/net/SocketAddress;I)V");
        }
    }

    private static final class ConnectMethodWeaver extends MethodVisitor {
        private final String owner;
        /** Descriptor of the channel's remoteAddress field; null for java.net.Socket. */
        private final String remoteAddressDescriptor;
        private final Label start = new Label();

        ConnectMethodWeaver(MethodVisitor next, String owner, String remoteAddressDescriptor) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.remoteAddressDescriptor = remoteAddressDescriptor;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            // target (local 1) = ConnectDispatcher.beforeConnect(this, target)
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "beforeConnect",
                    "(Ljava/lang/Object;L" + SOCKET_ADDRESS + ";)L" + SOCKET_ADDRESS + ";", false);
            super.visitVarInsn(Opcodes.ASTORE, 1);
            super.visitLabel(start);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                if (remoteAddressDescriptor != null) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitFieldInsn(Opcodes.GETFIELD, owner, "remoteAddress", remoteAddressDescriptor);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "reportedRemote",
                            "(L" + SOCKET_ADDRESS + ";)L" + SOCKET_ADDRESS + ";", false);
                    String fieldType = remoteAddressDescriptor.substring(1, remoteAddressDescriptor.length() - 1);
                    if (!fieldType.equals(SOCKET_ADDRESS)) {
                        super.visitTypeInsn(Opcodes.CHECKCAST, fieldType);
                    }
                    super.visitFieldInsn(Opcodes.PUTFIELD, owner, "remoteAddress", remoteAddressDescriptor);
                }
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "afterConnect",
                        "(Ljava/lang/Object;L" + THROWABLE + ";)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // after the method's own handlers, so they still see their exceptions first
            Label end = new Label();
            Label handler = new Label();
            super.visitLabel(end);
            super.visitTryCatchBlock(start, end, handler, THROWABLE);
            super.visitLabel(handler);
            super.visitFrame(Opcodes.F_FULL, 1, new Object[] {owner}, 1, new Object[] {THROWABLE});
            super.visitInsn(Opcodes.DUP);
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitInsn(Opcodes.SWAP);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "afterConnect",
                    "(Ljava/lang/Object;L" + THROWABLE + ";)V", false);
            super.visitInsn(Opcodes.ATHROW);
            super.visitMaxs(maxStack + EXTRA_STACK, maxLocals);
        }
    }
}

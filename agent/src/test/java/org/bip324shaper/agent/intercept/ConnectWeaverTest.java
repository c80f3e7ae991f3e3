package org.bip324shaper.agent.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Weaves this JDK's own class files and reads them back: the connect methods call the dispatcher on entry, before
 * every return and from one catch-all handler placed after the method's own ones; nothing else changes. (That the
 * woven classes verify and work is AgentEndToEndIT's part, with -XX:+BytecodeVerificationLocal.)
 */
class ConnectWeaverTest {

    private static final String DISPATCHER = "org/bip324shaper/agent/bootstrap/ConnectDispatcher";

    /** Per method: the dispatcher calls, returns and exception handler types, in order. */
    private record MethodShape(List<String> calls, int returns, List<String> handlers) {
    }

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Map<String, MethodShape> shapes(byte[] classFile) {
        Map<String, MethodShape> shapes = new LinkedHashMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                List<String> calls = new ArrayList<>();
                List<String> handlers = new ArrayList<>();
                int[] returns = new int[1];
                shapes.put(name + descriptor, new MethodShape(calls, 0, handlers));
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals(DISPATCHER)) {
                            calls.add(method);
                        }
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                            returns[0]++;
                        }
                    }

                    @Override
                    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                        handlers.add(String.valueOf(type));
                    }

                    @Override
                    public void visitEnd() {
                        shapes.put(name + descriptor, new MethodShape(calls, returns[0], handlers));
                    }
                };
            }
        }, 0);
        return shapes;
    }

    private static void assertWoven(MethodShape before, MethodShape after, boolean channel) {
        assertEquals(List.of(), before.calls());
        List<String> expected = new ArrayList<>(List.of("beforeConnect"));
        for (int i = 0; i < after.returns(); i++) {
            if (channel) {
                expected.add("reportedRemote");
            }
            expected.add("afterConnect");
        }
        expected.add("afterConnect"); // the catch-all handler
        assertEquals(expected, after.calls());
        assertEquals(before.returns(), after.returns());
        List<String> handlers = new ArrayList<>(before.handlers());
        handlers.add("java/lang/Throwable");
        assertEquals(handlers, after.handlers(), "the method's own handlers come first");
    }

    @Test
    void weavesSocketConnect() throws IOException {
        byte[] original = jdkClass(ConnectWeaver.SOCKET);
        Map<String, MethodShape> before = shapes(original);
        Map<String, MethodShape> after = shapes(ConnectWeaver.weave(ConnectWeaver.SOCKET, original));
        String connect = "connect(Ljava/net/SocketAddress;I)V";
        assertWoven(before.get(connect), after.get(connect), false);
        for (String method : before.keySet()) {
            if (!method.equals(connect)) {
                assertEquals(before.get(method), after.get(method), method + " must stay as it was");
            }
        }
        assertEquals(before.keySet(), after.keySet(), "no methods added or removed");
    }

    @Test
    void weavesBothChannelConnects() throws IOException {
        byte[] original = jdkClass(ConnectWeaver.SOCKET_CHANNEL_IMPL);
        Map<String, MethodShape> before = shapes(original);
        Map<String, MethodShape> after = shapes(ConnectWeaver.weave(ConnectWeaver.SOCKET_CHANNEL_IMPL, original));
        List<String> woven = List.of("connect(Ljava/net/SocketAddress;)Z", "blockingConnect(Ljava/net/SocketAddress;J)V");
        for (String method : woven) {
            assertTrue(before.containsKey(method), method + " missing from this JDK");
            assertWoven(before.get(method), after.get(method), true);
        }
        for (String method : before.keySet()) {
            if (!woven.contains(method)) {
                assertEquals(before.get(method), after.get(method), method + " must stay as it was");
            }
        }
    }

    @Test
    void refusesAClassWithoutTheConnectMethods() throws IOException {
        // java.net.ServerSocket has no connect(SocketAddress, int): weaving it under Socket's name must fail loudly
        byte[] other = jdkClass("java/net/ServerSocket");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ConnectWeaver.weave(ConnectWeaver.SOCKET, other));
        assertTrue(e.getMessage().contains("0 of the 1"), e.getMessage());
    }
}

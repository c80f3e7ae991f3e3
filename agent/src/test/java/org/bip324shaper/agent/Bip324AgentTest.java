package org.bip324shaper.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** premain and agentmain never throw: with an Instrumentation that refuses everything they print one error line. */
class Bip324AgentTest {

    private static final Instrumentation REFUSING = (Instrumentation) Proxy.newProxyInstance(
            Bip324AgentTest.class.getClassLoader(), new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return method.getName().equals("toString") ? "refusing" : null;
                }
                throw new UnsupportedOperationException(method.getName() + " refused by the test");
            });

    private static List<String> agentLines(Runnable start) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            start.run();
        } finally {
            System.setErr(original);
        }
        return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(line -> line.startsWith("[bip324]"))
                // the build passes its own bip324.* test properties; they are reported as unknown options
                .filter(line -> !line.contains("config: unknown system property"))
                .collect(Collectors.toList());
    }

    @Test
    void premainFailsOpenWithOneErrorLine() {
        List<String> lines = agentLines(() -> Bip324Agent.premain("ports=8333", REFUSING));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("[bip324] ERROR agent disabled, connections stay plain v1: "), lines.get(0));
        assertTrue(lines.get(0).contains("refused by the test"), lines.get(0));
    }

    @Test
    void agentmainFailsOpenToo() {
        List<String> lines = agentLines(() -> Bip324Agent.agentmain(null, REFUSING));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("ERROR agent disabled"), lines.get(0));
    }

    @Test
    void logOffSilencesEvenTheFailure() {
        assertEquals(List.of(), agentLines(() -> Bip324Agent.premain("log=off", REFUSING)));
    }

    @Test
    void configProblemsAreReportedBeforeTheFailure() {
        List<String> lines = agentLines(() -> Bip324Agent.premain("ports=8333,18444", REFUSING));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("WARN  config: agent argument '18444' is not key=value"), lines.get(0));
        assertTrue(lines.get(1).contains("ERROR agent disabled"), lines.get(1));
    }
}

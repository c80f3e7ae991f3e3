package org.bip324shaper.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.bip324shaper.agent.config.AgentOption;
import org.junit.jupiter.api.Test;

class AgentCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return AgentCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpDocumentsEveryOptionInAllThreeForms() {
        assertEquals(AgentCli.OK, run("--help"));
        String help = out();
        for (AgentOption option : AgentOption.values()) {
            assertTrue(help.contains("  " + option.key() + " "), option.key());
            assertTrue(help.contains("-D" + option.systemProperty() + "="), option.systemProperty());
            assertTrue(help.contains(option.environmentVariable() + "="), option.environmentVariable());
            assertTrue(help.contains("(default " + option.defaultText() + ")"), option.key());
        }
        assertTrue(help.contains("-javaagent:bip324-agent.jar"));
        assertTrue(help.contains("probe HOST:PORT [--network NAME]"));
        assertTrue(help.contains(
                "the agent\n  argument wins over the system property, which wins over the environment variable"));
    }

    @Test
    void probeIsAStubThatExitsWithTwo() {
        assertEquals(AgentCli.NOT_IMPLEMENTED, run("probe", "127.0.0.1:18444", "--network", "regtest"));
        assertTrue(err().contains("not implemented yet"), err());
        assertTrue(err().contains("(regtest)"), err());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertEquals(AgentCli.USAGE, run());
        assertEquals(AgentCli.USAGE, run("frobnicate"));
        assertEquals(AgentCli.USAGE, run("probe"));
        assertEquals(AgentCli.USAGE, run("probe", "localhost"));
        assertEquals(AgentCli.USAGE, run("probe", "localhost:99999"));
        assertEquals(AgentCli.USAGE, run("probe", "localhost:8333", "--network"));
        assertEquals(AgentCli.USAGE, run("probe", "localhost:8333", "--network", "moon"));
        assertEquals(AgentCli.USAGE, run("probe", "a:1", "b:2"));
        assertTrue(err().contains("unknown network 'moon'"), err());
    }
}

package org.bip324shaper.agent.config;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bip324shaper.core.shaping.ShapingStrategies;

/** Fuzz target for {@link AgentConfigParser}: agent arguments, system properties and environment as a user types them. */
class AgentConfigParserFuzzTest {
    private static final AgentOption[] OPTIONS = AgentOption.values();

    /**
     * Whatever the input, parsing never throws (bad settings become problems), yields a valid configuration, is
     * deterministic, and {@link AgentConfig#toAgentArgs()} reads back to the same configuration without problems.
     */
    @FuzzTest(maxDuration = "60s")
    void parse(FuzzedDataProvider d) {
        Map<String, String> properties = settings(d, true);
        Map<String, String> env = settings(d, false);
        String args = d.consumeBoolean() ? null : d.consumeRemainingAsString();
        ParsedConfig parsed = AgentConfigParser.parse(args, properties, env);
        AgentConfig config = parsed.config();
        assertNotNull(config);
        assertFalse(config.ports().isEmpty());
        for (int port : config.ports()) {
            assertTrue(port >= 1 && port <= 65535, "port " + port);
        }
        config.shaping().ifPresent(ShapingStrategies::parse);
        for (String problem : parsed.problems()) {
            assertFalse(problem.isBlank());
        }
        assertEquals(parsed, AgentConfigParser.parse(args, properties, env), "parsing is deterministic");
        // A comma inside a trace directory cannot be told from the next option in agent arguments.
        if (config.traceDir().map(p -> p.toString().indexOf(',') < 0).orElse(true)) {
            ParsedConfig back = AgentConfigParser.parse(config.toAgentArgs(), Map.of(), Map.of());
            assertEquals(List.of(), back.problems(), config.toAgentArgs());
            assertEquals(config, back.config(), "toAgentArgs round trip");
        }
    }

    /** Up to three settings, each named after a real option or a made-up one under the prefix. */
    private static Map<String, String> settings(FuzzedDataProvider d, boolean properties) {
        Map<String, String> settings = new HashMap<>();
        int n = d.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
            String name;
            if (d.consumeBoolean()) {
                AgentOption option = d.pickValue(OPTIONS);
                name = properties ? option.systemProperty() : option.environmentVariable();
            } else {
                name = (properties ? "bip324." : "BIP324_") + d.consumeString(12);
            }
            settings.put(name, d.consumeString(200));
        }
        return settings;
    }

    /**
     * The seed corpus, written by core's {@code FuzzSeedWriter}. A FuzzedDataProvider takes numbers from the end of
     * the input: three zero bytes there mean no properties, no environment, and the rest as agent arguments.
     */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        String[] args = {
            "padding=off,decoy=off,ports=8333+18444,loopback=true,log=debug",
            "shaping=balanced,require-v2=yes",
            "shaping=ticker:sizes=80/160;min=1s;max=2s,trace=/tmp/traces",
            "ports=8333,18444",
            "padding=sometimes,unknown=1,,=,ports=0+70000+",
            "shaping=",
            "log=warn,log=error,trace=off",
        };
        for (int i = 0; i < args.length; i++) {
            byte[] text = args[i].getBytes(StandardCharsets.US_ASCII);
            s.put("parse/args-" + i, java.util.Arrays.copyOf(text, text.length + 3));
        }
        byte[] random = new byte[200];
        new java.util.Random(7).nextBytes(random);
        s.put("parse/random-200", random);
        return s;
    }
}

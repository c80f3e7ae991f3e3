package org.bip324shaper.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bip324shaper.agent.log.LogLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentConfigParserTest {

    private static ParsedConfig args(String agentArgs) {
        return AgentConfigParser.parse(agentArgs, Map.of(), Map.of());
    }

    private static SortedSet<Integer> ports(Integer... ports) {
        return new TreeSet<>(List.of(ports));
    }

    private static void assertOneProblemContaining(ParsedConfig parsed, String... fragments) {
        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
        for (String fragment : fragments) {
            assertTrue(parsed.problems().get(0).contains(fragment), parsed.problems().get(0));
        }
    }

    @Test
    void nothingGivenMeansDefaults() {
        for (String empty : new String[] {null, "", "  ", ",,"}) {
            ParsedConfig parsed = args(empty);
            assertEquals(AgentConfig.defaults(), parsed.config());
            assertEquals(List.of(), parsed.problems());
        }
        AgentConfig defaults = AgentConfig.defaults();
        assertEquals(PaddingMode.RANDOM, defaults.padding());
        assertEquals(DecoyMode.RANDOM, defaults.decoy());
        assertEquals(ports(8333, 18333, 48333, 38333, 18444), defaults.ports());
        assertFalse(defaults.loopback());
        assertFalse(defaults.requireV2());
        assertEquals(LogLevel.INFO, defaults.logLevel());
    }

    @Test
    void everyOptionAsAgentArgument() {
        ParsedConfig parsed = args("padding=off, decoy=off ,ports=18444+18445,loopback=true,require-v2=yes,log=debug");
        assertEquals(List.of(), parsed.problems());
        assertEquals(new AgentConfig(PaddingMode.OFF, DecoyMode.OFF, ports(18444, 18445), true, true, LogLevel.DEBUG),
                parsed.config());
    }

    @Test
    void normalizationFollowsTheDefaultWalletShapingAndEachPartCanBeTurnedOn() {
        assertEquals(Normalization.wallet(), AgentConfig.defaults().normalize());
        assertEquals(Normalization.none(), args("padding=random").config().normalize(), "no wallet shaping");
        assertEquals(Normalization.none(), args("shaping=balanced").config().normalize());
        assertEquals(Normalization.wallet(), args("normalize=wallet").config().normalize());
        assertEquals(Normalization.all(), args("normalize=all").config().normalize());
        assertEquals(Set.of(Normalization.PINGS), args("normalize=pings").config().normalize());
        assertEquals(Normalization.all(), args("normalize=reconnect+pings+refresh").config().normalize());
        assertEquals(Set.of(Normalization.PINGS, Normalization.RECONNECT),
                args("normalize=reconnect+pings").config().normalize());
        assertEquals(Normalization.none(), args("normalize=off").config().normalize());
        assertEquals(Set.of(Normalization.RECONNECT), AgentConfigParser.parse(null,
                Map.of("bip324.normalize", "reconnect"), Map.of()).config().normalize());
        AgentConfig config = args("normalize=pings+reconnect,log=warn").config();
        assertEquals(config, args(config.toAgentArgs()).config(), config.toAgentArgs());
    }

    @Test
    void theWalletShapingPresetTurnsNormalizationOnUnlessNormalizeSays() {
        ParsedConfig wallet = args("shaping=wallet");
        org.junit.jupiter.api.Assumptions.assumeTrue(wallet.problems().isEmpty(),
                "core has no 'wallet' shaping preset yet: " + wallet.problems());
        assertEquals(Normalization.wallet(), wallet.config().normalize());
        assertEquals(Set.of(Normalization.PINGS), args("shaping=wallet,normalize=pings").config().normalize());
        assertEquals(Normalization.none(), args("shaping=wallet,normalize=off").config().normalize());
        assertEquals(Normalization.none(), args("shaping=balanced").config().normalize());
    }

    @Test
    void aBadNormalizationIsReportedAndFollowsTheShaping() {
        ParsedConfig parsed = args("normalize=pings+typo");
        assertOneProblemContaining(parsed, "normalize: bad value 'pings+typo'", "off|wallet|all|pings+reconnect+refresh");
        assertEquals(Normalization.wallet(), parsed.config().normalize(), "the default wallet shaping's");
        assertEquals(Normalization.none(), args("decoy=off,normalize=typo").config().normalize());
    }

    @Test
    void noOptionsMeanTheWalletShapingAndPaddingOrDecoyAloneMeanNoShaping() {
        assertEquals(java.util.Optional.of("wallet"), args("").config().shaping());
        assertEquals(java.util.Optional.of("wallet"), args("log=warn,ports=18444").config().shaping());
        assertEquals(java.util.Optional.empty(), args("padding=off,decoy=off").config().shaping());
        assertEquals(java.util.Optional.empty(), AgentConfigParser.parse(null, Map.of("bip324.decoy", "off"),
                Map.of()).config().shaping(), "from any source");
        assertEquals(java.util.Optional.of("lean"), args("padding=off,shaping=lean").config().shaping(),
                "shaping overrides padding and decoy");
        assertEquals(java.util.Optional.empty(), args("shaping=fastest").config().shaping(),
                "a bad shaping says it uses padding and decoy, and does");
    }

    @Test
    void traceDirectoryIsOffByDefaultAndRoundTrips() {
        assertEquals(java.util.Optional.empty(), AgentConfig.defaults().traceDir());
        ParsedConfig parsed = args("trace=/tmp/bip324-traces,padding=off");
        assertEquals(List.of(), parsed.problems());
        assertEquals(java.util.Optional.of(java.nio.file.Path.of("/tmp/bip324-traces")), parsed.config().traceDir());
        assertEquals(parsed.config(), args(parsed.config().toAgentArgs()).config());
        assertEquals(java.util.Optional.empty(), args("trace=off").config().traceDir());
        ParsedConfig bad = AgentConfigParser.parse(null, java.util.Map.of("bip324.trace", "x\0y"), java.util.Map.of());
        assertEquals(java.util.Optional.empty(), bad.config().traceDir());
        assertTrue(bad.problems().get(0).startsWith("trace: bad value"), bad.problems().toString());
    }

    @Test
    void keysAndEnumValuesIgnoreCase() {
        ParsedConfig parsed = args("PADDING=Off,Log=WARN,LoopBack=TRUE");
        assertEquals(List.of(), parsed.problems());
        assertEquals(PaddingMode.OFF, parsed.config().padding());
        assertEquals(LogLevel.WARN, parsed.config().logLevel());
        assertTrue(parsed.config().loopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "yes", "on", "1", "TRUE"})
    void trueSpellings(String text) {
        assertTrue(args("loopback=" + text).config().loopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "no", "off", "0"})
    void falseSpellings(String text) {
        ParsedConfig parsed = AgentConfigParser.parse("loopback=" + text, Map.of("bip324.loopback", "true"), Map.of());
        assertFalse(parsed.config().loopback());
    }

    @Test
    void systemPropertiesAndEnvironmentAreRead() {
        ParsedConfig fromProps = AgentConfigParser.parse(null,
                Map.of("bip324.padding", "off", "bip324.require-v2", "true", "bip324.ports", "1234"), Map.of());
        assertEquals(List.of(), fromProps.problems());
        assertEquals(PaddingMode.OFF, fromProps.config().padding());
        assertTrue(fromProps.config().requireV2());
        assertEquals(ports(1234), fromProps.config().ports());

        ParsedConfig fromEnv = AgentConfigParser.parse(null, Map.of(),
                Map.of("BIP324_DECOY", "off", "BIP324_REQUIRE_V2", "true", "BIP324_LOG", "error"));
        assertEquals(List.of(), fromEnv.problems());
        assertEquals(DecoyMode.OFF, fromEnv.config().decoy());
        assertTrue(fromEnv.config().requireV2());
        assertEquals(LogLevel.ERROR, fromEnv.config().logLevel());
    }

    @Test
    void agentArgumentBeatsPropertyBeatsEnvironmentPerOption() {
        Map<String, String> env = Map.of("BIP324_LOG", "error", "BIP324_PORTS", "1111", "BIP324_PADDING", "off");
        Map<String, String> props = Map.of("bip324.log", "warn", "bip324.ports", "2222");
        ParsedConfig parsed = AgentConfigParser.parse("log=debug", props, env);
        assertEquals(List.of(), parsed.problems());
        assertEquals(LogLevel.DEBUG, parsed.config().logLevel()); // all three: agent argument wins
        assertEquals(ports(2222), parsed.config().ports());        // property and env: property wins
        assertEquals(PaddingMode.OFF, parsed.config().padding());  // env only
    }

    @Test
    void standaloneValuesMayJoinPortsWithCommas() {
        assertEquals(ports(8333, 18444), AgentConfigParser.parse(null, Map.of("bip324.ports", "8333,18444"),
                Map.of()).config().ports());
        assertEquals(ports(8333, 18444, 1), AgentConfigParser.parse(null, Map.of(),
                Map.of("BIP324_PORTS", "8333+18444, 1")).config().ports());
    }

    @Test
    void aCommaBetweenPortsInAgentArgumentsIsExplained() {
        ParsedConfig parsed = args("ports=8333,18444,loopback=true");
        assertOneProblemContaining(parsed, "'18444'", "not key=value", "join ports with '+'", "ignored");
        assertEquals(ports(8333), parsed.config().ports());
        assertTrue(parsed.config().loopback());
    }

    @Test
    void unknownKeysAreReportedAndIgnored() {
        ParsedConfig parsed = args("colour=blue,log=warn");
        assertOneProblemContaining(parsed, "unknown agent argument 'colour'", "require-v2");
        assertEquals(LogLevel.WARN, parsed.config().logLevel());

        ParsedConfig fromProps = AgentConfigParser.parse(null, Map.of("bip324.pading", "off"),
                Map.of("BIP324_LOGG", "x", "PATH", "/bin"));
        assertEquals(2, fromProps.problems().size(), fromProps.problems().toString());
        assertTrue(fromProps.problems().stream().anyMatch(p -> p.contains("system property bip324.pading")));
        assertTrue(fromProps.problems().stream().anyMatch(p -> p.contains("environment variable BIP324_LOGG")));
        assertEquals(AgentConfig.defaults(), fromProps.config());
    }

    @Test
    void badValuesFallBackToTheirDefaultWithAClearMessage() {
        ParsedConfig parsed = args("padding=lots,decoy=,loopback=maybe,require-v2=2,log=loud,ports=8333+18444");
        assertEquals(5, parsed.problems().size(), parsed.problems().toString());
        assertEquals(args("ports=8333+18444").config(), parsed.config(), "the defaults: the wallet shaping");
        String padding = parsed.problems().get(0);
        assertTrue(padding.startsWith("padding: bad value 'lots' from agent argument (expected random|off)"), padding);
        assertTrue(padding.endsWith("using the default random"), padding);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "65536", "8333+", "+8333", "8333++18444", "-1", "8333 18444", "123456", ""})
    void badPortListsFallBackToTheDefaultPorts(String text) {
        ParsedConfig parsed = args("ports=" + text);
        assertOneProblemContaining(parsed, "ports: bad value");
        assertEquals(AgentConfig.DEFAULT_PORTS, parsed.config().ports());
    }

    @Test
    void portBoundsAreInclusive() {
        assertEquals(ports(1, 65535), args("ports=1+65535").config().ports());
    }

    @Test
    void aBadPropertyValueDoesNotHideAGoodEnvironmentValueOfAnotherOption() {
        ParsedConfig parsed = AgentConfigParser.parse(null, Map.of("bip324.log", "chatty"),
                Map.of("BIP324_LOOPBACK", "true"));
        assertOneProblemContaining(parsed, "log: bad value 'chatty' from system property bip324.log");
        assertTrue(parsed.config().loopback());
        assertEquals(LogLevel.INFO, parsed.config().logLevel());
    }

    @Test
    void repeatedKeysUseTheLastAndSaySo() {
        ParsedConfig parsed = args("log=warn,log=debug");
        assertOneProblemContaining(parsed, "'log' given twice");
        assertEquals(LogLevel.DEBUG, parsed.config().logLevel());
    }

    @Test
    void overlongInputIsRejectedWhole() {
        ParsedConfig parsed = args("log=debug," + "x".repeat(AgentConfigParser.MAX_INPUT_CHARS));
        assertOneProblemContaining(parsed, "longer than");
        assertEquals(AgentConfig.defaults(), parsed.config());
    }

    @Test
    void agentArgsFormReadsBackToTheSameConfig() {
        AgentConfig config = new AgentConfig(PaddingMode.OFF, DecoyMode.RANDOM, ports(18444, 8333), true, false,
                LogLevel.DEBUG);
        ParsedConfig parsed = args(config.toAgentArgs());
        assertEquals(List.of(), parsed.problems());
        assertEquals(config, parsed.config());
        assertEquals(AgentConfig.defaults(), args(AgentConfig.defaults().toAgentArgs()).config());
    }

    @Test
    void v1MemoryIsOffByDefaultAndOptIn() {
        assertEquals(java.time.Duration.ZERO, AgentConfig.defaults().v1Memory());
        assertEquals(java.time.Duration.ofMinutes(10), args("v1-memory=10m").config().v1Memory());
        assertEquals(java.time.Duration.ofSeconds(90), args("v1-memory=90s").config().v1Memory());
        assertEquals(java.time.Duration.ofHours(2), args("v1-memory=2h").config().v1Memory());
        assertEquals(java.time.Duration.ZERO, args("v1-memory=off").config().v1Memory());
        for (String bad : new String[] {"25h", "10", "-5m", "m", "forever", "99999999m"}) {
            ParsedConfig parsed = args("v1-memory=" + bad);
            assertEquals(java.time.Duration.ZERO, parsed.config().v1Memory(), bad);
            assertEquals(1, parsed.problems().size(), bad);
        }
        AgentConfig withMemory = args("v1-memory=15m").config();
        assertEquals(withMemory, args(withMemory.toAgentArgs()).config());
    }

    @Test
    void optionNamesFollowOneScheme() {
        assertEquals("bip324.require-v2", AgentOption.REQUIRE_V2.systemProperty());
        assertEquals("BIP324_REQUIRE_V2", AgentOption.REQUIRE_V2.environmentVariable());
        assertEquals("BIP324_LOG_SINK", AgentOption.LOG_SINK.environmentVariable());
        assertEquals("BIP324_PROXY_UPSTREAM_SOCKS", AgentOption.UPSTREAM_SOCKS.environmentVariable());
        assertEquals(Set.of("padding", "decoy", "shaping", "aead", "ports", "loopback", "require-v2", "v1-memory", "log",
                        "log.sink", "jmx", "normalize", "trace", "proxy.listen", "proxy.upstream-socks", "config"),
                java.util.Arrays.stream(AgentOption.values()).map(AgentOption::key)
                        .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void shapingTakesAPresetOrASpecWithSemicolonsInAgentArguments() {
        ParsedConfig preset = args("shaping=Balanced");
        assertEquals(List.of(), preset.problems());
        assertEquals(java.util.Optional.of("balanced"), preset.config().shaping());

        ParsedConfig spec = args("shaping=ticker:min=1s;max=2s+random-decoys,log=debug");
        assertEquals(List.of(), spec.problems());
        assertEquals(java.util.Optional.of("ticker:min=1s,max=2s+random-decoys"), spec.config().shaping());
        assertEquals(LogLevel.DEBUG, spec.config().logLevel(), "the option after the spec is still read");
    }

    @Test
    void shapingFromAPropertyMayUseCommas() {
        ParsedConfig parsed = AgentConfigParser.parse(null, Map.of("bip324.shaping", "bucketed:floor=256"),
                Map.of("BIP324_SHAPING", "light"));
        assertEquals(List.of(), parsed.problems());
        assertEquals(java.util.Optional.of("bucketed:floor=256"), parsed.config().shaping());
    }

    @Test
    void aBadShapingSpecIsReportedWithItsReasonAndIgnored() {
        ParsedConfig parsed = args("shaping=ticker:sizes=80;speed=9,padding=off");
        assertOneProblemContaining(parsed, "shaping: bad value 'ticker:sizes=80;speed=9' from agent argument",
                "unknown key 'speed' for ticker", "using padding and decoy instead");
        assertEquals(java.util.Optional.empty(), parsed.config().shaping());
        assertEquals(PaddingMode.OFF, parsed.config().padding());
        assertOneProblemContaining(args("shaping=  "), "shaping: bad value");
        assertOneProblemContaining(args("shaping=fastest"), "unknown shaping strategy 'fastest'");
    }

    @Test
    void shapingReadsBackFromTheAgentArgsForm() {
        AgentConfig config = AgentConfig.defaults().withShaping("burst:floor=64,threshold=512+random-decoys");
        assertTrue(config.toAgentArgs().contains("shaping=burst:floor=64;threshold=512+random-decoys"),
                config.toAgentArgs());
        ParsedConfig parsed = args(config.toAgentArgs());
        assertEquals(List.of(), parsed.problems());
        assertEquals(config, parsed.config());
        assertFalse(args("padding=random").config().toAgentArgs().contains("shaping"), "no shaping, no shaping option");
        assertTrue(AgentConfig.defaults().toAgentArgs().contains("shaping=wallet"), AgentConfig.defaults().toAgentArgs());
    }

    @Test
    void newOptionsAreTypedAndRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ParsedConfig parsed = args("aead=bouncy-castle,log.sink=jul,jmx=false,proxy.listen=[::1]:1090,"
                + "proxy.upstream-socks=localhost:9050");
        assertEquals(List.of(), parsed.problems());
        AgentConfig config = parsed.config();
        assertEquals(java.util.Optional.of(org.bip324shaper.core.crypto.AeadBackend.BOUNCY_CASTLE), config.aead());
        assertEquals(org.bip324shaper.agent.log.LogSink.JUL, config.logSink());
        assertFalse(config.jmx());
        assertEquals("::1", config.proxyListen().getHostString());
        assertEquals(1090, config.proxyListen().getPort());
        assertTrue(config.proxyListen().isUnresolved(), "never resolved while parsing");
        assertEquals("localhost:9050", AgentConfig.hostPort(config.upstreamSocks().orElseThrow()));
        assertEquals(config, args(config.toAgentArgs()).config());
        assertEquals("[::1]:1090", config.valueText(AgentOption.PROXY_LISTEN));
    }

    @Test
    void badNewValuesAreReportedAndDefaulted() {
        assertOneProblemContaining(args("aead=openssl"), "aead: bad value 'openssl'", "using auto");
        assertOneProblemContaining(args("log.sink=syslog"), "log.sink: bad value", "stderr|jul");
        assertOneProblemContaining(args("proxy.listen=1080"), "proxy.listen: bad value");
        assertOneProblemContaining(args("proxy.listen=::1:1080"), "proxy.listen: bad value");
        assertOneProblemContaining(args("proxy.upstream-socks=tor:99999"), "proxy.upstream-socks: bad value");
        assertEquals(AgentConfig.defaults(), args("aead=auto,proxy.upstream-socks=none").config());
    }

    /** Found by AgentConfigParserFuzzTest: a property's host with a comma was taken and could not be written back. */
    @ParameterizedTest
    @ValueSource(strings = {"o(,,lean:5", "a,b:1080", "host name:1080", "héte:1080", "[::1,]:1080"})
    void aHostPortTakesOnlyHostNameAndAddressCharacters(String value) {
        ParsedConfig parsed = AgentConfigParser.parse(null, Map.of("bip324.proxy.listen", value), Map.of());
        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().get(0).contains("proxy.listen: bad value"), parsed.problems().get(0));
        assertEquals(AgentConfig.defaults(), parsed.config());
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-1.example_x.org:8333", "127.0.0.1:1080", "[fe80::1%2]:1080", "tor:9050"})
    void aHostPortAcceptsNamesAndLiterals(String value) {
        ParsedConfig parsed = AgentConfigParser.parse("proxy.upstream-socks=" + value, Map.of(), Map.of());
        assertEquals(List.of(), parsed.problems());
        assertEquals(value, parsed.config().valueText(AgentOption.UPSTREAM_SOCKS));
    }

    @Test
    void aConfigFileFillsWhatNoOtherSourceSets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("bip324.properties");
        java.nio.file.Files.writeString(file, "# comment\npadding=off\nbip324.log=debug\nports=18444\n"
                + "require-v2=true\n");
        ParsedConfig parsed = AgentConfigParser.parse("require-v2=false", Map.of("bip324.config", file.toString()),
                Map.of("BIP324_LOG", "warn"));
        assertEquals(List.of(), parsed.problems());
        AgentConfig config = parsed.config();
        assertEquals(PaddingMode.OFF, config.padding());
        assertEquals(LogLevel.WARN, config.logLevel(), "the environment beats the file");
        assertFalse(config.requireV2(), "an agent argument beats the file");
        assertEquals(ports(18444), config.ports());
        assertEquals("config file " + file + " (padding)", parsed.sourceOf(AgentOption.PADDING));
        assertEquals("config file " + file + " (ports)", parsed.sourceOf(AgentOption.PORTS));
        assertEquals("environment variable BIP324_LOG", parsed.sourceOf(AgentOption.LOG));
        assertEquals("agent argument", parsed.sourceOf(AgentOption.REQUIRE_V2));
        assertEquals("system property bip324.config", parsed.sourceOf(AgentOption.CONFIG));
        assertEquals("default", parsed.sourceOf(AgentOption.DECOY));
    }

    @Test
    void aMissingOrBadConfigFileIsReportedNotFatal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ParsedConfig missing = args("config=" + dir.resolve("nope.properties"));
        assertOneProblemContaining(missing, "config: cannot read", "NoSuchFileException");
        assertEquals(AgentConfig.defaults(), missing.config());
        java.nio.file.Path file = dir.resolve("typo.properties");
        java.nio.file.Files.writeString(file, "pading=off\nlog=loud\n");
        ParsedConfig typo = args("config=" + file);
        assertEquals(2, typo.problems().size(), typo.problems().toString());
        assertTrue(typo.problems().get(0).contains("unknown key 'pading'"), typo.problems().toString());
        assertTrue(typo.problems().get(1).contains("log: bad value 'loud' from config file"),
                typo.problems().toString());
        java.nio.file.Path big = dir.resolve("big.properties");
        java.nio.file.Files.write(big, new byte[AgentConfigParser.MAX_FILE_BYTES + 1]);
        assertOneProblemContaining(args("config=" + big), "larger than");
    }
}

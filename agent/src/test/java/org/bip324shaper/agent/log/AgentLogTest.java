package org.bip324shaper.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentLogTest {

    private static String logAt(LogLevel threshold) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AgentLog log = new AgentLog(threshold, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        log.error("e");
        log.warn("w");
        log.info("i");
        log.debug("d");
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void levelsFilterAndLinesArePrefixed() {
        assertEquals("", logAt(LogLevel.OFF));
        assertEquals("[bip324] ERROR e\n", logAt(LogLevel.ERROR));
        assertEquals("[bip324] ERROR e\n[bip324] WARN  w\n[bip324] INFO  i\n", logAt(LogLevel.INFO));
        assertEquals("[bip324] ERROR e\n[bip324] WARN  w\n[bip324] INFO  i\n[bip324] DEBUG d\n",
                logAt(LogLevel.DEBUG));
    }

    @Test
    void addressesAreShortAndNeverLookedUp() throws Exception {
        assertEquals("203.0.113.5:8333", LogFormat.address(
                new InetSocketAddress(InetAddress.getByAddress("named.example", new byte[] {(byte) 203, 0, 113, 5}),
                        8333)));
        assertEquals("[2001:db8:0:0:0:0:0:1]:18444",
                LogFormat.address(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 18444)));
        assertEquals("seed.example:8333", LogFormat.address(InetSocketAddress.createUnresolved("seed.example", 8333)));
    }
}

package org.bip324shaper.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RateLimitedLinesTest {

    @Test
    void aBurstPassesThenTheRateAndEveryDroppedLineIsCounted() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        RateLimitedLines limit = new RateLimitedLines(5, 2, now::get);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AgentLog log = new AgentLog(LogLevel.INFO, new PrintStream(bytes, true, StandardCharsets.UTF_8), limit);
        for (int i = 0; i < 1000; i++) { // a reconnect storm within one instant
            log.info("line " + i);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(5, text.lines().count(), text);
        assertEquals(995, limit.suppressedTotal());
        now.addAndGet(500_000_000L); // half a second at 2 a second: one more line, announcing the loss first
        log.info("after");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(7, lines.length);
        assertTrue(lines[5].contains("995 log lines dropped"), lines[5]);
        assertEquals("[bip324] INFO  after", lines[6].strip());
        now.addAndGet(60_000_000_000L); // a quiet minute refills only up to the burst
        for (int i = 0; i < 10; i++) {
            log.info("again " + i);
        }
        assertEquals(7 + 5, bytes.toString(StandardCharsets.UTF_8).split("\n").length, "only the burst");
        now.addAndGet(500_000_000L);
        log.info("later");
        lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[12].contains(" 5 log lines dropped"), lines[12]);
    }

    @Test
    void julSinkSendsLinesToTheOrgBip324shaperLoggerAtMappedLevels() {
        Logger logger = Logger.getLogger(AgentLog.JUL_LOGGER);
        java.util.List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = logger.getLevel();
        logger.addHandler(handler);
        logger.setLevel(Level.ALL);
        try {
            AgentLog log = AgentLog.to(LogSink.JUL, LogLevel.DEBUG);
            log.warn("w");
            log.info("i");
            log.debug("d");
            assertEquals(3, records.size());
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertEquals("w", records.get(0).getMessage());
            assertEquals(Level.INFO, records.get(1).getLevel());
            assertEquals(Level.FINE, records.get(2).getLevel());
            AgentLog.to(LogSink.JUL, LogLevel.WARN).info("filtered by the agent's own level first");
            assertEquals(3, records.size());
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(before);
        }
    }
}

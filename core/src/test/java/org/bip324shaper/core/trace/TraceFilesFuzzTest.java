package org.bip324shaper.core.trace;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fuzz target for {@link TraceFiles#read}: a trace file as a hostile or broken tool might write it. */
class TraceFilesFuzzTest {
    private static final int MAX_EVENTS = 500;
    private static final Path SCRATCH = scratchFile();

    /**
     * Any bytes read as a trace or fail with a {@link TraceFiles.TraceFormatException} naming a line that exists;
     * the event cap holds; a trace that reads writes back and reads again to an equal trace.
     */
    @FuzzTest(maxDuration = "60s")
    void read(byte[] data) throws IOException {
        ConnectionTrace trace;
        try {
            trace = TraceFiles.read(new ByteArrayInputStream(data), "fuzz", MAX_EVENTS);
        } catch (TraceFiles.TraceFormatException e) {
            long lines = 1 + data.length; // at most one line per byte, plus the empty last one
            assertTrue(e.line() >= 1 && e.line() <= lines, "line " + e.line());
            return;
        }
        assertTrue(trace.writes().size() + trace.messages().size() <= MAX_EVENTS, "event cap");
        TraceFiles.write(trace, SCRATCH);
        assertEquals(trace, TraceFiles.read(SCRATCH, MAX_EVENTS), "write then read");
    }

    private static Path scratchFile() {
        try {
            Path file = Files.createTempFile("trace-fuzz", ".trace");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed corpus (see {@code org.bip324shaper.core.testing.FuzzSeedWriter}). */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        s.put("read/javadoc-example", ascii("bip324-trace 1\n# comment\nlabel capture_002\nW 0 out 3784\n"
                + "M 99000000 out version 102\nW 99000000 out 135\n"));
        s.put("read/crlf-tabs-unsorted", ascii("bip324-trace 1\r\nW\t5\tin\t29\r\n\r\nM 1 in pong 8\r\n"
                + "W 1 out 29\r\n"));
        s.put("read/label-after-event", ascii("bip324-trace 1\nW 0 out 1\nlabel late\n"));
        s.put("read/wrong-version", ascii("bip324-trace 2\n"));
        s.put("read/negative-and-huge-numbers", ascii("bip324-trace 1\nW -1 out 1\nW 99999999999999999999 in 0\n"));
        s.put("read/long-type", ascii("bip324-trace 1\nM 0 in " + "x".repeat(40) + " 5\n"));
        return s;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

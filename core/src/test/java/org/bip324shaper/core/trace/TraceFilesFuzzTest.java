package org.bip324shaper.core.trace;

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
}

package org.bip324shaper.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TraceFilesTest {
    @TempDir
    Path dir;

    private static ConnectionTrace randomTrace(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<WireWrite> writes = new ArrayList<>();
        List<GenuineMessage> messages = new ArrayList<>();
        String[] types = {"ping", "pong", "inv", "version", "unknown-42", "x"};
        long t = 0;
        for (int i = 0; i < 500; i++) {
            t += r.nextLong(1_000_000_000L);
            Direction d = r.nextBoolean() ? Direction.OUTBOUND : Direction.INBOUND;
            writes.add(new WireWrite(t, d, 1 + r.nextInt(100_000)));
            if (r.nextBoolean()) {
                messages.add(new GenuineMessage(t, d, types[r.nextInt(types.length)], r.nextInt(5_000_000)));
            }
        }
        return new ConnectionTrace("trace-" + seed, messages, writes);
    }

    @Test
    void roundTripKeepsEveryEvent() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            ConnectionTrace trace = randomTrace(seed);
            Path file = dir.resolve("t" + seed + ".trace");
            TraceFiles.write(trace, file, List.of("seed " + seed));
            ConnectionTrace back = TraceFiles.read(file);
            assertEquals(trace, back);
        }
    }

    @Test
    void writesTheDocumentedLines() throws IOException {
        ConnectionTrace trace = new ConnectionTrace("demo",
                List.of(new GenuineMessage(99, Direction.OUTBOUND, "version", 102)),
                List.of(new WireWrite(0, Direction.OUTBOUND, 3784), new WireWrite(99, Direction.OUTBOUND, 135),
                        new WireWrite(120, Direction.INBOUND, 29)));
        Path file = dir.resolve("demo.trace");
        TraceFiles.write(trace, file);
        assertEquals(List.of("bip324-trace 1", "label demo", "W 0 out 3784", "W 99 out 135", "M 99 out version 102",
                "W 120 in 29"), Files.readAllLines(file));
    }

    @Test
    void labelDefaultsToTheFileNameAndCommentsAndBlankLinesAreIgnored() throws IOException {
        Path file = dir.resolve("capture_7.trace");
        Files.writeString(file, "bip324-trace 1\r\n# a comment\r\n\r\n  W 5\tin 29  \r\nM 5 in ping 8\r\n",
                StandardCharsets.US_ASCII);
        ConnectionTrace trace = TraceFiles.read(file);
        assertEquals("capture_7", trace.label());
        assertEquals(List.of(new WireWrite(5, Direction.INBOUND, 29)), trace.writes());
        assertEquals(List.of(new GenuineMessage(5, Direction.INBOUND, "ping", 8)), trace.messages());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "bip324-trace 2|1|unsupported trace version",
        "pcap|1|expected header",
        "bip324-trace 1\\nW 1 out|2|<bytes>', got 3 fields",
        "bip324-trace 1\\nW -1 out 5|2|time must be >= 0",
        "bip324-trace 1\\nW 1 sideways 5|2|direction must be 'out' or 'in'",
        "bip324-trace 1\\nW 1 out 0|2|bytes must be >= 1",
        "bip324-trace 1\\nW 1 out 99999999999|2|bytes must be in 0..",
        "bip324-trace 1\\nW 1 out 1e3|2|must be a decimal integer",
        "bip324-trace 1\\nM 1 out ping -8|2|payload length must be in 0..",
        "bip324-trace 1\\nM 1 out ping|2|<payload_len>', got 4 fields",
        "bip324-trace 1\\n# fine\\nX 1 out 5|3|unknown line kind 'X'",
        "bip324-trace 1\\nW 1 out 5\\nlabel late|3|the label must come before the events",
        "bip324-trace 1\\nlabel a\\nlabel b|3|second label line",
        "bip324-trace 1\\nM 1 out abcdefghijklmnopqrstuvwxyz0123456789 5|2|message type must be",
        "bip324-trace 1\\nW 1 out 5\\rW 2 out 5|2|carriage return inside a line",
    })
    void malformedLinesAreReportedWithTheirNumber(String text, int line, String problem) throws IOException {
        Path file = dir.resolve("bad.trace");
        Files.writeString(file, text.replace("\\n", "\n").replace("\\r", "\r"), StandardCharsets.US_ASCII);
        TraceFiles.TraceFormatException e = assertThrows(TraceFiles.TraceFormatException.class,
                () -> TraceFiles.read(file));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().startsWith("trace line " + line + ": "), e.getMessage());
    }

    @Test
    void emptyFileAndNonAsciiAreRefused() throws IOException {
        Path empty = dir.resolve("empty.trace");
        Files.write(empty, new byte[0]);
        assertEquals(1, assertThrows(TraceFiles.TraceFormatException.class, () -> TraceFiles.read(empty)).line());
        Path binary = dir.resolve("binary.trace");
        Files.write(binary, "bip324-trace 1\nM 1 out p\u00e9ng 8\n".getBytes(StandardCharsets.UTF_8));
        TraceFiles.TraceFormatException e = assertThrows(TraceFiles.TraceFormatException.class,
                () -> TraceFiles.read(binary));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not printable ASCII"));
    }

    @Test
    void overlongLineIsRefusedWithoutReadingItAll() throws IOException {
        Path file = dir.resolve("long.trace");
        Files.writeString(file, "bip324-trace 1\n# " + "x".repeat(10_000_000) + "\n", StandardCharsets.US_ASCII);
        TraceFiles.TraceFormatException e = assertThrows(TraceFiles.TraceFormatException.class,
                () -> TraceFiles.read(file));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("longer than " + TraceFiles.MAX_LINE_LENGTH));
    }

    @Test
    void eventCapIsEnforced() throws IOException {
        Path file = dir.resolve("many.trace");
        TraceFiles.write(randomTrace(9), file);
        assertEquals(randomTrace(9).writes().size(), TraceFiles.read(file, 100_000).writes().size());
        TraceFiles.TraceFormatException e = assertThrows(TraceFiles.TraceFormatException.class,
                () -> TraceFiles.read(file, 10));
        assertTrue(e.getMessage().contains("more than 10 events"));
        assertEquals(13, e.line()); // header, label, then the eleventh event
    }

    @Test
    void writeRefusesTypesAFileCannotHold() {
        ConnectionTrace trace = new ConnectionTrace("bad",
                List.of(new GenuineMessage(0, Direction.INBOUND, "two words", 1)), List.of());
        assertThrows(IllegalArgumentException.class, () -> TraceFiles.write(trace, dir.resolve("x.trace")));
        assertEquals("two_words", TraceFiles.sanitizeType("two words"));
        assertEquals("malformed", TraceFiles.sanitizeType(""));
        assertEquals(TraceFiles.MAX_TYPE_LENGTH, TraceFiles.sanitizeType("y".repeat(100)).length());
    }

    @Test
    void fileRecorderWritesOnCloseFromManyThreads() throws Exception {
        Path file = dir.resolve("rec.trace");
        FileTraceRecorder recorder = new FileTraceRecorder(file, "rec");
        int threads = 4;
        int each = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int id = k;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    long time = 1_000 + id * 1_000_000L + i;
                    recorder.write(time, Direction.OUTBOUND, 1 + i);
                    recorder.message(time, Direction.INBOUND, "odd\ntype", i);
                }
            });
            t.start();
            workers.add(t);
        }
        assertTrue(Files.notExists(file), "nothing is written before close");
        start.countDown();
        for (Thread t : workers) {
            t.join();
        }
        recorder.close();
        recorder.close(); // idempotent
        ConnectionTrace trace = TraceFiles.read(file);
        assertEquals(threads * each, trace.writes().size());
        assertEquals(threads * each, trace.messages().size());
        assertEquals(0, trace.writes().get(0).timeNanos(), "times start at the first event");
        assertTrue(trace.messages().stream().allMatch(m -> m.type().equals("odd_type")));
    }

    @Test
    void recorderCapDropsAndSaysSo() throws IOException {
        Path file = dir.resolve("cap.trace");
        FileTraceRecorder recorder = new FileTraceRecorder(file, "cap", 5);
        for (int i = 0; i < 8; i++) {
            recorder.write(i, Direction.OUTBOUND, 10);
        }
        recorder.close();
        assertEquals(5, TraceFiles.read(file).writes().size());
        assertTrue(Files.readString(file).contains("TRUNCATED: 3 events"));
    }

    @Test
    void collectingRecorderRebasesToAnOrigin() {
        CollectingTraceRecorder recorder = new CollectingTraceRecorder();
        recorder.write(500, Direction.OUTBOUND, 64);
        recorder.message(700, Direction.INBOUND, "pong", 8);
        ConnectionTrace trace = recorder.trace("x", 100);
        assertEquals(400, trace.writes().get(0).timeNanos());
        assertEquals(600, trace.messages().get(0).timeNanos());
        assertThrows(IllegalArgumentException.class, () -> recorder.trace("x", 600));
    }
}

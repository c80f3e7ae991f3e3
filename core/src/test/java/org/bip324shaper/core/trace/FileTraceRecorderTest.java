package org.bip324shaper.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTraceRecorderTest {

    @TempDir
    Path dir;

    @Test
    void closeReplacesTheFileAtomicallyAndLeavesNoPartialFile() throws IOException {
        Path file = dir.resolve("peer.trace");
        TraceFiles.write(new ConnectionTrace("old", List.of(), List.of(new WireWrite(0, Direction.INBOUND, 7))), file);
        String oldText = Files.readString(file);
        // A reader that opened the old file holds its inode; a hard link stands in for it. Writing in place would
        // change what it sees mid-read; a move of a complete new file over the name leaves it alone.
        Path reader = dir.resolve("reader-view");
        Files.createLink(reader, file);

        FileTraceRecorder recorder = new FileTraceRecorder(file, "new");
        for (int i = 0; i < 10_000; i++) {
            recorder.write(i, Direction.OUTBOUND, 100 + i % 50);
        }
        recorder.message(5, Direction.OUTBOUND, "ping", 8);
        recorder.close();

        assertEquals(oldText, Files.readString(reader), "the old file was written in place");
        ConnectionTrace written = TraceFiles.read(file);
        assertEquals("new", written.label());
        assertEquals(10_000, written.writes().size());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("peer.trace", "reader-view"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no temporary file may stay behind");
        }
        assertTrue(written.messages().size() == 1);
    }
}

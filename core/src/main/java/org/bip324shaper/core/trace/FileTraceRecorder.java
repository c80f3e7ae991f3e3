package org.bip324shaper.core.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records one connection and writes it as a {@link TraceFiles trace file} when closed. Drivers record nothing unless
 * given one (their default is {@link TraceRecorder#NONE}), e.g.
 * {@code ShapedProtocol.options(role, network).recorder(new FileTraceRecorder(path, "peer-1"))}.
 *
 * <p>Thread-safe; events are buffered in memory (at most {@code maxEvents}, then counted as dropped and noted in the
 * file) because writing to disk from a socket thread would add the very delays being measured. Times are shifted
 * so the first event is at 0. Never sees message contents: only sizes, directions, times and types.
 */
public final class FileTraceRecorder implements TraceRecorder {
    private final Path file;
    private final String label;
    private final CollectingTraceRecorder events;
    private boolean closed;

    /** Records up to {@link TraceFiles#MAX_EVENTS} events into {@code file}, labelled {@code label}. */
    public FileTraceRecorder(Path file, String label) {
        this(file, label, TraceFiles.MAX_EVENTS);
    }

    public FileTraceRecorder(Path file, String label, int maxEvents) {
        this.file = Objects.requireNonNull(file, "file");
        if (label == null || label.isEmpty() || label.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("label must be non-empty without whitespace");
        }
        this.label = label;
        this.events = new CollectingTraceRecorder(maxEvents);
    }

    @Override
    public void message(long timeNanos, Direction direction, String type, int payloadLength) {
        events.message(timeNanos, direction, type, payloadLength);
    }

    @Override
    public void write(long timeNanos, Direction direction, int bytes) {
        events.write(timeNanos, direction, bytes);
    }

    /** Writes the file once; later calls do nothing. An I/O failure surfaces as {@link UncheckedIOException}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> comments = new ArrayList<>();
        comments.add("recorded by " + FileTraceRecorder.class.getSimpleName() + "; times in ns from the first event");
        long dropped = events.dropped();
        if (dropped > 0) {
            comments.add("TRUNCATED: " + dropped + " events beyond the cap of " + events.size() + " were dropped");
        }
        try {
            TraceFiles.write(events.trace(label), file, comments);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write trace file " + file, e);
        }
    }
}

package org.bip324shaper.core.trace;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@link ConnectionTrace}s as plain text, one event per line, so traces can be diffed, grepped and
 * produced by other tools. Never holds message contents: only times, directions, sizes and message types.
 *
 * <pre>
 * bip324-trace 1
 * # comments and blank lines are ignored anywhere after the header
 * label capture_002
 * W 0 out 3784
 * M 99000000 out version 102
 * W 99000000 out 135
 * </pre>
 *
 * <ul>
 *   <li>The first line is the header {@code bip324-trace <version>}; this class reads and writes version
 *       {@value #VERSION}.</li>
 *   <li>{@code label <label>}: at most once, before any event; without it the label is the file name up to its
 *       first dot.</li>
 *   <li>{@code W <t_ns> <out|in> <bytes>}: one write on the wire (or one read, inbound) at {@code t_ns}
 *       nanoseconds since the start of the trace, {@code bytes >= 1}.</li>
 *   <li>{@code M <t_ns> <out|in> <type> <payload_len>}: one genuine message; {@code type} is
 *       1..{@value #MAX_TYPE_LENGTH} printable ASCII characters without spaces, {@code payload_len >= 0}.</li>
 * </ul>
 * Fields are separated by spaces or tabs; lines end with LF or CRLF; only ASCII is allowed. Events may come in any
 * order (a trace sorts them). Reading is capped ({@value #MAX_LINE_LENGTH} characters per line, {@value #MAX_EVENTS}
 * events by default) so a hostile file cannot exhaust memory; every error names the line.
 */
public final class TraceFiles {
    /** The format version this class reads and writes. */
    public static final int VERSION = 1;
    /** The header's first word. */
    public static final String MAGIC = "bip324-trace";
    /** Longest line accepted, in characters, without its line end. */
    public static final int MAX_LINE_LENGTH = 256;
    /** Most events (W and M lines) {@link #read(Path)} accepts. */
    public static final int MAX_EVENTS = 20_000_000;
    /** Longest message type accepted: v2 long types have 12 characters; room for names like unknown-255. */
    public static final int MAX_TYPE_LENGTH = 32;

    private TraceFiles() {
    }

    /**
     * Writes {@code trace} to {@code file}, replacing it: header, label, then events in time order. Atomically: the
     * text goes to a temporary file beside it, which is then moved over {@code file}, so a reader sees the old file
     * or the whole new one, never a part, and a failed write leaves no partial file.
     */
    public static void write(ConnectionTrace trace, Path file) throws IOException {
        write(trace, file, List.of());
    }

    /**
     * Writes {@code trace} with {@code comments} (one {@code #} line each, after the label; they must be single lines
     * of printable ASCII).
     */
    public static void write(ConnectionTrace trace, Path file, List<String> comments) throws IOException {
        for (GenuineMessage m : trace.messages()) {
            requireValidType(m.type());
        }
        for (String comment : comments) {
            if (!comment.chars().allMatch(c -> c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e))) {
                throw new IllegalArgumentException("a comment must be one line of printable ASCII");
            }
        }
        Path absolute = file.toAbsolutePath();
        Path partial = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".partial");
        try {
            writeText(trace, partial, comments);
            moveIntoPlace(partial, absolute);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING); // same directory: still a rename in practice
        }
    }

    private static void writeText(ConnectionTrace trace, Path file, List<String> comments) throws IOException {
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII), 1 << 16)) {
            out.write(MAGIC + " " + VERSION + "\n");
            out.write("label " + trace.label() + "\n");
            for (String comment : comments) {
                out.write("# " + comment + "\n");
            }
            List<WireWrite> writes = trace.writes();
            List<GenuineMessage> messages = trace.messages();
            int w = 0;
            int m = 0;
            // Merge by time; at one instant the write comes first, as it carried the messages stamped with it.
            while (w < writes.size() || m < messages.size()) {
                if (m == messages.size()
                        || (w < writes.size() && writes.get(w).timeNanos() <= messages.get(m).timeNanos())) {
                    WireWrite x = writes.get(w++);
                    out.write("W " + x.timeNanos() + " " + x.direction().code() + " " + x.bytes() + "\n");
                } else {
                    GenuineMessage x = messages.get(m++);
                    out.write("M " + x.timeNanos() + " " + x.direction().code() + " " + x.type() + " "
                            + x.payloadLength() + "\n");
                }
            }
        }
    }

    /** Reads a trace file, with at most {@value #MAX_EVENTS} events. */
    public static ConnectionTrace read(Path file) throws IOException {
        return read(file, MAX_EVENTS);
    }

    /**
     * Reads a trace file with at most {@code maxEvents} events.
     *
     * @throws TraceFormatException naming the line, if the file breaks the format or a cap
     */
    public static ConnectionTrace read(Path file, int maxEvents) throws IOException {
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must be >= 0, got " + maxEvents);
        }
        String fileName = file.getFileName() == null ? "trace" : file.getFileName().toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, defaultLabel(fileName), maxEvents);
        }
    }

    /** Reads a trace from a stream (not closed), labelled {@code defaultLabel} unless it has a label line. */
    public static ConnectionTrace read(InputStream in, String defaultLabel, int maxEvents) throws IOException {
        LineReader lines = new LineReader(in);
        String header = lines.next();
        if (header == null) {
            throw new TraceFormatException(1, "empty file, expected header '" + MAGIC + " " + VERSION + "'");
        }
        String[] h = fields(header);
        if (h.length != 2 || !h[0].equals(MAGIC)) {
            throw new TraceFormatException(1, "expected header '" + MAGIC + " " + VERSION + "'");
        }
        if (!h[1].equals(Integer.toString(VERSION))) {
            throw new TraceFormatException(1, "unsupported trace version '" + h[1] + "', this reader knows "
                    + VERSION);
        }
        String label = null;
        List<WireWrite> writes = new ArrayList<>();
        List<GenuineMessage> messages = new ArrayList<>();
        String line;
        while ((line = lines.next()) != null) {
            int n = lines.number();
            String[] f = fields(line);
            if (f.length == 0 || f[0].startsWith("#")) {
                continue;
            }
            try {
                switch (f[0]) {
                    case "label":
                        if (label != null) {
                            throw new TraceFormatException(n, "second label line");
                        }
                        if (!writes.isEmpty() || !messages.isEmpty()) {
                            throw new TraceFormatException(n, "the label must come before the events");
                        }
                        expectFields(n, f, 2, "label <label>");
                        label = f[1];
                        break;
                    case "W":
                        expectFields(n, f, 4, "W <t_ns> <out|in> <bytes>");
                        checkCount(n, writes.size() + messages.size(), maxEvents);
                        writes.add(new WireWrite(time(n, f[1]), direction(n, f[2]), positive(n, "bytes", f[3])));
                        break;
                    case "M":
                        expectFields(n, f, 5, "M <t_ns> <out|in> <type> <payload_len>");
                        checkCount(n, writes.size() + messages.size(), maxEvents);
                        if (!isValidType(f[3])) {
                            throw new TraceFormatException(n, "message type must be 1.." + MAX_TYPE_LENGTH
                                    + " printable characters");
                        }
                        int payload = nonNegative(n, "payload length", f[4]);
                        messages.add(new GenuineMessage(time(n, f[1]), direction(n, f[2]), f[3], payload));
                        break;
                    default:
                        throw new TraceFormatException(n, "unknown line kind '" + shorten(f[0])
                                + "' (expected W, M, label or #)");
                }
            } catch (IllegalArgumentException e) {
                throw e instanceof TraceFormatException ? e : new TraceFormatException(n, e.getMessage());
            }
        }
        return new ConnectionTrace(label == null ? defaultLabel : label, messages, writes);
    }

    /** Whether {@code type} may appear in a trace file: 1..32 printable ASCII characters, no spaces. */
    public static boolean isValidType(String type) {
        return type != null && !type.isEmpty() && type.length() <= MAX_TYPE_LENGTH
                && type.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    /**
     * A type fit for a trace file: characters outside printable ASCII become {@code _}, long ones are cut, an empty
     * one becomes {@code malformed}. For recorders, since a peer chooses the long types it sends.
     */
    public static String sanitizeType(String type) {
        if (type == null || type.isEmpty()) {
            return "malformed";
        }
        StringBuilder b = new StringBuilder(Math.min(type.length(), MAX_TYPE_LENGTH));
        for (int i = 0; i < type.length() && b.length() < MAX_TYPE_LENGTH; i++) {
            char c = type.charAt(i);
            b.append(c >= 0x21 && c <= 0x7e ? c : '_');
        }
        return b.toString();
    }

    private static void requireValidType(String type) {
        if (!isValidType(type)) {
            throw new IllegalArgumentException("message type '" + sanitizeType(type) + "' cannot be written: it must"
                    + " be 1.." + MAX_TYPE_LENGTH + " printable ASCII characters (see TraceFiles.sanitizeType)");
        }
    }

    private static String defaultLabel(String fileName) {
        int dot = fileName.indexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String clean = base.replaceAll("\\s", "_");
        return clean.isEmpty() ? "trace" : clean;
    }

    private static String[] fields(String line) {
        String t = line.strip();
        return t.isEmpty() ? new String[0] : t.split("[ \t]+");
    }

    private static void expectFields(int line, String[] f, int n, String form) {
        if (f.length != n) {
            throw new TraceFormatException(line, "expected '" + form + "', got " + f.length + " fields");
        }
    }

    private static void checkCount(int line, int count, int max) {
        if (count >= max) {
            throw new TraceFormatException(line, "more than " + max + " events");
        }
    }

    private static long time(int line, String s) {
        long t = parseLong(line, "time", s);
        if (t < 0) {
            throw new TraceFormatException(line, "time must be >= 0, got " + t);
        }
        return t;
    }

    private static Direction direction(int line, String s) {
        switch (s) {
            case "out": return Direction.OUTBOUND;
            case "in": return Direction.INBOUND;
            default: throw new TraceFormatException(line, "direction must be 'out' or 'in', got '" + shorten(s) + "'");
        }
    }

    private static int positive(int line, String what, String s) {
        int v = nonNegative(line, what, s);
        if (v == 0) {
            throw new TraceFormatException(line, what + " must be >= 1");
        }
        return v;
    }

    private static int nonNegative(int line, String what, String s) {
        long v = parseLong(line, what, s);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new TraceFormatException(line, what + " must be in 0.." + Integer.MAX_VALUE + ", got " + v);
        }
        return (int) v;
    }

    private static long parseLong(int line, String what, String s) {
        if (s.length() > 19 || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '-')) {
            throw new TraceFormatException(line, what + " must be a decimal integer, got '" + shorten(s) + "'");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(line, what + " must be a decimal integer, got '" + shorten(s) + "'");
        }
    }

    private static String shorten(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }

    /** A bad trace file: which line, and what is wrong with it. */
    public static final class TraceFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int line;

        public TraceFormatException(int line, String problem) {
            super("trace line " + line + ": " + problem);
            this.line = line;
        }

        /** The 1-based line number. */
        public int line() {
            return line;
        }
    }

    /** ASCII lines with a length cap, read without ever buffering more than one capped line. */
    private static final class LineReader {
        private final InputStream in;
        private final StringBuilder line = new StringBuilder();
        private int number;

        LineReader(InputStream in) {
            this.in = in;
        }

        int number() {
            return number;
        }

        String next() throws IOException {
            line.setLength(0);
            int c = in.read();
            if (c < 0) {
                return null;
            }
            number++;
            while (c >= 0 && c != '\n') {
                if (c == '\r') {
                    int d = in.read();
                    if (d == '\n' || d < 0) {
                        break;
                    }
                    throw new TraceFormatException(number, "carriage return inside a line");
                }
                if (c > 0x7e || (c < 0x20 && c != '\t')) {
                    throw new TraceFormatException(number, "byte 0x" + Integer.toHexString(c)
                            + " is not printable ASCII");
                }
                if (line.length() == MAX_LINE_LENGTH) {
                    throw new TraceFormatException(number, "line longer than " + MAX_LINE_LENGTH + " characters");
                }
                line.append((char) c);
                c = in.read();
            }
            return line.toString();
        }
    }
}

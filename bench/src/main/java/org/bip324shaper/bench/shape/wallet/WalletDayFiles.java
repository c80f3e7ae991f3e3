package org.bip324shaper.bench.shape.wallet;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.TraceFiles;
import org.bip324shaper.core.trace.WireWrite;

/**
 * Shape-only wallet days as text, small enough to keep in the repository (no contents, no addresses):
 * <pre>
 * bip324-wallet-day 1
 * label wallet_nio_20min
 * length 1200000000000
 * E 15655000000 pay            (an event: pay, receive or block, on the day's clock)
 * S 0 17278000000              (a session: SYN and FIN times; the lines up to the next S are its own)
 * W 1800000 out 64             (as in TraceFiles, times relative to the session's SYN)
 * M 5300000 out version 103
 * </pre>
 * Reading is capped like {@link TraceFiles}; every error names the line.
 */
public final class WalletDayFiles {
    static final String MAGIC = "bip324-wallet-day 1";
    static final int MAX_LINES = 2_000_000;
    static final int MAX_LINE = 256;

    private WalletDayFiles() {
    }

    public static void write(WalletDay day, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write(MAGIC + "\n");
            w.write("label " + day.label() + "\n");
            w.write("length " + day.lengthNanos() + "\n");
            for (WalletEvent e : day.events()) {
                w.write("E " + e.timeNanos() + " " + e.kind().name().toLowerCase(Locale.ROOT) + "\n");
            }
            for (WalletSession s : day.sessions()) {
                w.write("S " + s.startNanos() + " " + s.endNanos() + "\n");
                ConnectionTrace t = s.messages();
                int i = 0;
                int j = 0;
                while (i < t.writes().size() || j < t.messages().size()) {
                    boolean write = j == t.messages().size() || (i < t.writes().size()
                            && t.writes().get(i).timeNanos() <= t.messages().get(j).timeNanos());
                    if (write) {
                        WireWrite x = t.writes().get(i++);
                        w.write("W " + x.timeNanos() + " " + x.direction().code() + " " + x.bytes() + "\n");
                    } else {
                        GenuineMessage m = t.messages().get(j++);
                        w.write("M " + m.timeNanos() + " " + m.direction().code() + " " + m.type() + " "
                                + m.payloadLength() + "\n");
                    }
                }
            }
        }
    }

    public static WalletDay read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    public static WalletDay read(InputStream in, String name) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String line = r.readLine();
        if (!MAGIC.equals(line)) {
            throw new IOException(name + ":1: expected '" + MAGIC + "'");
        }
        String label = null;
        long length = -1;
        List<WalletEvent> events = new ArrayList<>();
        List<WalletSession> sessions = new ArrayList<>();
        long start = -1;
        long end = -1;
        List<WireWrite> writes = new ArrayList<>();
        List<GenuineMessage> messages = new ArrayList<>();
        int n = 1;
        while ((line = r.readLine()) != null) {
            if (++n > MAX_LINES || line.length() > MAX_LINE) {
                throw new IOException(name + ":" + n + ": too many lines or a line too long");
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            try {
                switch (f[0]) {
                    case "label" -> label = f[1];
                    case "length" -> length = Long.parseLong(f[1]);
                    case "E" -> events.add(new WalletEvent(Long.parseLong(f[1]),
                            WalletEvent.Kind.valueOf(f[2].toUpperCase(Locale.ROOT))));
                    case "S" -> {
                        if (start >= 0) {
                            sessions.add(session(label, sessions.size(), start, end, writes, messages));
                        }
                        start = Long.parseLong(f[1]);
                        end = Long.parseLong(f[2]);
                        writes = new ArrayList<>();
                        messages = new ArrayList<>();
                    }
                    case "W" -> {
                        requireSession(start, name, n);
                        writes.add(new WireWrite(Long.parseLong(f[1]), direction(f[2]), Integer.parseInt(f[3])));
                    }
                    case "M" -> {
                        requireSession(start, name, n);
                        if (!TraceFiles.isValidType(f[3])) {
                            throw new IllegalArgumentException("bad message type");
                        }
                        messages.add(new GenuineMessage(Long.parseLong(f[1]), direction(f[2]), f[3],
                                Integer.parseInt(f[4])));
                    }
                    default -> throw new IllegalArgumentException("unknown line kind '" + f[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new IOException(name + ":" + n + ": " + e.getMessage(), e);
            }
        }
        if (start >= 0) {
            sessions.add(session(label, sessions.size(), start, end, writes, messages));
        }
        if (label == null || length < 0 || sessions.isEmpty()) {
            throw new IOException(name + ": needs a label, a length and at least one session");
        }
        try {
            return new WalletDay(label, sessions, events, length);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    private static WalletSession session(String label, int index, long start, long end, List<WireWrite> writes,
            List<GenuineMessage> messages) {
        return new WalletSession(start, new ConnectionTrace((label == null ? "day" : label) + "#" + index, messages,
                writes), end);
    }

    private static void requireSession(long start, String name, int n) {
        if (start < 0) {
            throw new IllegalArgumentException("an event before the first S line");
        }
    }

    private static Direction direction(String code) {
        for (Direction d : Direction.values()) {
            if (d.code().equals(code)) {
                return d;
            }
        }
        throw new IllegalArgumentException("direction must be out or in, was '" + code + "'");
    }
}

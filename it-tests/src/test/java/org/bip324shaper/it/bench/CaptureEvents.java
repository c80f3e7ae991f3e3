package org.bip324shaper.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code events.csv} beside a wallet capture, in the format of {@code shared/traces/wallet} (its README): a
 * {@code # node port N} line, the header {@code epoch_s,kind,detail}, then one line per event with the time in
 * seconds since the epoch to the millisecond, on the clock tcpdump stamps packets with.
 */
public final class CaptureEvents {
    static final String HEADER = "epoch_s,kind,detail";

    /** What happened, as the file names it. */
    public enum Kind {
        READY("ready"), PAY("pay"), BLOCK_TO_US("block_to_us"), BLOCK("block"), END("end");

        final String word;

        Kind(String word) {
            this.word = word;
        }

        static Kind of(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown event kind '" + word + "'");
        }
    }

    /** @param detail the txid for a payment, else empty */
    public record Event(long epochMillis, Kind kind, String detail) {
        public Event {
            Objects.requireNonNull(kind, "kind");
            if (detail.contains(",") || detail.contains("\n")) {
                throw new IllegalArgumentException("a detail holds no comma or line break: " + detail);
            }
        }
    }

    private final int nodePort;
    private final List<Event> events = new ArrayList<>();

    public CaptureEvents(int nodePort) {
        this.nodePort = nodePort;
    }

    public void add(long epochMillis, Kind kind, String detail) {
        events.add(new Event(epochMillis, kind, detail));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public int nodePort() {
        return nodePort;
    }

    public String text() {
        StringBuilder sb = new StringBuilder("# node port ").append(nodePort).append('\n').append(HEADER).append('\n');
        for (Event e : events) {
            sb.append(String.format(Locale.ROOT, "%d.%03d,%s,%s%n", Math.floorDiv(e.epochMillis(), 1000),
                    Math.floorMod(e.epochMillis(), 1000), e.kind().word, e.detail()));
        }
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, text(), StandardCharsets.UTF_8);
    }

    /** Reads a file of this format back (the node port line is required). */
    public static CaptureEvents parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length < 2 || !lines[0].startsWith("# node port ") || !lines[1].equals(HEADER)) {
            throw new IllegalArgumentException("not an events.csv: it starts with '# node port N' and " + HEADER);
        }
        CaptureEvents parsed = new CaptureEvents(Integer.parseInt(lines[0].substring("# node port ".length()).trim()));
        for (int i = 2; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not epoch_s,kind,detail: " + lines[i]);
            }
            long millis = Math.round(Double.parseDouble(f[0]) * 1000);
            parsed.add(millis, Kind.of(f[1]), f[2]);
        }
        return parsed;
    }
}

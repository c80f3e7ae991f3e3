package org.bip324shaper.bench.shape.wallet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.bench.shape.trace.CapturedConnection;
import org.bip324shaper.bench.shape.trace.PcapImporter;
import org.bip324shaper.core.trace.ConnectionTrace;

/**
 * Reads a wallet capture: a pcap of every connection between one bitcoinj wallet and its node, and the
 * {@code events.csv} written beside it ({@code epoch_s,kind,detail} on the pcap's clock). The result is a
 * {@link WalletDay} whose sessions hold the captured writes and the messages {@link WalletLabeller} guessed, on a
 * clock that starts at the first connection's SYN. Events before the first SYN, and {@code ready}/{@code end}
 * markers, are left out.
 */
public final class WalletCaptures {
    /** A capture of more lines than this is not an events file of ours. */
    static final int MAX_EVENT_LINES = 1_000_000;

    private WalletCaptures() {
    }

    /** Reads {@code name.pcap} and {@code name.events.csv} from {@code dir}. */
    public static WalletDay read(Path dir, String name) throws IOException {
        return read(dir.resolve(name + ".pcap"), dir.resolve(name + ".events.csv"));
    }

    public static WalletDay read(Path pcap, Path events) throws IOException {
        List<CapturedConnection> connections = PcapImporter.read(pcap, PcapImporter.Perspective.CONNECTOR);
        if (connections.isEmpty()) {
            throw new IOException(pcap + " holds no TCP connection with payload");
        }
        long origin = connections.get(0).originNanos();
        List<WalletSession> sessions = new ArrayList<>();
        long last = 0;
        for (CapturedConnection c : connections) {
            if (!c.sawSyn()) {
                throw new IOException(pcap + ": connection " + c.trace().label() + " has no SYN; wallet captures"
                        + " must hold whole connections");
            }
            ConnectionTrace labelled = WalletLabeller.label(c);
            long start = c.originNanos() - origin;
            long end = start + Math.max(labelled.durationNanos(), c.firstFinNanos());
            sessions.add(new WalletSession(start, labelled, end));
            last = Math.max(last, end);
        }
        List<WalletEvent> list = new ArrayList<>();
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        if (lines.size() > MAX_EVENT_LINES) {
            throw new IOException(events + ": more than " + MAX_EVENT_LINES + " lines");
        }
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("epoch_s")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 2) {
                throw new IOException(events + ": malformed line '" + line + "'");
            }
            long t;
            try {
                t = Math.round(Double.parseDouble(f[0]) * 1e9) - origin;
            } catch (NumberFormatException e) {
                throw new IOException(events + ": bad time in line '" + line + "'", e);
            }
            WalletEvent.Kind kind = switch (f[1].trim()) {
                case "pay" -> WalletEvent.Kind.PAY;
                case "block_to_us" -> WalletEvent.Kind.RECEIVE;
                case "block" -> WalletEvent.Kind.BLOCK;
                case "ready", "end" -> null;
                default -> throw new IOException(events + ": unknown event kind '" + f[1] + "'");
            };
            if (kind != null && t >= 0) {
                list.add(new WalletEvent(t, kind));
                last = Math.max(last, t);
            }
        }
        String base = pcap.getFileName().toString().replaceFirst("\\.pcap$", "");
        return new WalletDay(base, sessions, list, last);
    }
}

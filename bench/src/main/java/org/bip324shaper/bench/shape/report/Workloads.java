package org.bip324shaper.bench.shape.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.bench.shape.trace.CapturedConnection;
import org.bip324shaper.bench.shape.trace.PcapImporter;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.bench.shape.trace.UndefendedV2Labeller;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.GenuineMessage;

/** Builds the report's workloads: synthetic relay and blocksonly connections, and the shared mainnet capture. */
final class Workloads {
    /** One-way delay for replaying the capture: its pings are answered within a few milliseconds. */
    static final Duration CAPTURE_DELAY = Duration.ofMillis(2);

    private Workloads() {
    }

    /** {@code connections} training and as many held-out connections of {@code length}, disjoint seeds. */
    static Workload synthetic(SyntheticWorkload.Profile profile, Duration length, int connections, long seed) {
        List<Workload.Connection> train = new ArrayList<>();
        List<Workload.Connection> test = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            train.add(connection(profile, length, seed * 1_000 + i));
            test.add(connection(profile, length, seed * 1_000 + 500 + i));
        }
        return new Workload(profile.name(), connections + "+" + connections + " synthetic " + profile.name()
                + " connections of " + length.toHours() + " h (train+test)", train, test);
    }

    private static Workload.Connection connection(SyntheticWorkload.Profile profile, Duration length, long seed) {
        return new Workload.Connection(SyntheticWorkload.generate(profile.name() + "-" + seed, profile, length, seed),
                SyntheticWorkload.oneWayDelay(profile, seed));
    }

    /**
     * The capture as a workload: its messages guessed by {@link UndefendedV2Labeller}, cut in two halves in time,
     * the first for training and the second held out (one real connection cannot be split by connection).
     */
    static Workload capture(Path pcap) throws IOException {
        List<CapturedConnection> all = PcapImporter.read(pcap);
        if (all.isEmpty()) {
            throw new IOException(pcap + " holds no TCP connection with payload");
        }
        CapturedConnection longest = all.get(0);
        for (CapturedConnection c : all) {
            if (c.trace().durationNanos() > longest.trace().durationNanos()) {
                longest = c;
            }
        }
        ConnectionTrace labelled = UndefendedV2Labeller.label(longest);
        long half = labelled.durationNanos() / 2;
        String base = pcap.getFileName().toString().replaceFirst("\\.pcap$", "");
        ConnectionTrace first = slice(base + "-a", labelled, 0, half);
        ConnectionTrace second = slice(base + "-b", labelled, half, labelled.durationNanos() + 1);
        return new Workload("capture", "the shared mainnet capture (" + Math.round(labelled.durationNanos() / 60e9)
                + " min, blocksonly), messages guessed from sizes, first half train, second half test",
                List.of(new Workload.Connection(first, CAPTURE_DELAY)),
                List.of(new Workload.Connection(second, CAPTURE_DELAY)));
    }

    /** The messages in [from, to), as a workload starting at 0. */
    static ConnectionTrace slice(String label, ConnectionTrace t, long from, long to) {
        List<GenuineMessage> messages = new ArrayList<>();
        for (GenuineMessage m : t.messages()) {
            if (m.timeNanos() >= from && m.timeNanos() < to) {
                messages.add(new GenuineMessage(m.timeNanos() - from, m.direction(), m.type(), m.payloadLength()));
            }
        }
        return new ConnectionTrace(label, messages, List.of());
    }

    /** The shared captures directory: {@code -Dbip324.traces.dir}, else {@code shared/traces} up the tree. */
    static Path sharedTraces() {
        String configured = System.getProperty("bip324.traces.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path candidate : List.of(p.resolve("shared/traces"), p.resolveSibling("shared").resolve("traces"))) {
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        return Path.of("/work/shared/traces");
    }
}

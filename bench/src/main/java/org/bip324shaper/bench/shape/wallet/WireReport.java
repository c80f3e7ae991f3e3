package org.bip324shaper.bench.shape.wallet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bip324shaper.bench.shape.sim.Replay;
import org.bip324shaper.bench.shape.sim.ReplaySimulator;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * The wallet figures on the real wire: captures made by it-tests' {@code WireCapture} (a bitcoinj wallet with the
 * agent really shaping, bitcoind, tcpdump), named {@code PRESET-RUN.pcap} with {@code .events.csv} and
 * {@code .payments.csv} beside them. Per preset, A6 and A7 are scored leave-one-run-out: trained on the preset's other
 * runs, scored on the held-out run, each run held out once (A6: mean over the folds; A7: held-out segments pooled).
 * A7's Core side is the lab's usual material (synthetic relay and blocks-only connections through the preset's Core
 * strategy, other seeds for training and test), cut into segments of {@code --segment} (2 min: the captures are
 * 8 min, shorter than the lab's 10-min segments).
 * <pre>
 * java -cp bench/target/benchmarks.jar org.bip324shaper.bench.shape.wallet.WireReport --captures /work/wire-captures \
 *     [--presets "off=none;default=wallet;all=wallet"] [--segment 120] [--seed 1] [--markdown FILE]
 * </pre>
 * A preset is {@code NAME=STRATEGY}: the captures' name prefix and the lab strategy its Core side is replayed with.
 */
public final class WireReport {
    static final String DEFAULT_PRESETS = "off=none;default=wallet;all=wallet";

    private WireReport() {
    }

    /** One payment of a capture: bitcoinj's send call, bitcoind's first acceptance (NaN if never), delivered. */
    record Payment(String txid, double payEpochS, double acceptedEpochS, boolean delivered) {
        double latencyMillis() {
            return (acceptedEpochS - payEpochS) * 1000;
        }
    }

    /** Reads {@code NAME.payments.csv} ({@code txid,pay_epoch_s,accepted_epoch_s,delivered}). */
    static List<Payment> payments(String csv) throws IOException {
        List<Payment> out = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (line.isBlank() || line.startsWith("txid,")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 4 || !f[0].matches("[0-9a-f]{64}") || !(f[3].equals("true") || f[3].equals("false"))) {
                throw new IOException("not a payments.csv line: '" + line + "'");
            }
            out.add(new Payment(f[0], Double.parseDouble(f[1]), f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]),
                    Boolean.parseBoolean(f[3])));
        }
        return out;
    }

    /** The capture names of one preset in {@code dir}: {@code PRESET-*.pcap}, sorted. */
    static List<String> runs(Path dir, String preset) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(preset + "-") && n.endsWith(".pcap"))
                    .map(n -> n.substring(0, n.length() - ".pcap".length())).sorted().toList();
        }
    }

    /** Everything measured for one preset. */
    record Row(String preset, int runs, int delivered, int payments, double a6Auc, double a6Tpr, double a6AucMin,
               double a6AucMax, ClientFingerprintAttacker.Result a7, double in29PerMinute, double outMbPerDay,
               double latencyP50, double latencyP99, double connectionsPerRun, WalletReport.PeerView peer) {
    }

    static Row evaluate(String preset, TrafficConfig core, List<ObservedDay> days, List<Payment> payments,
                        Duration segment, long seed) {
        if (days.size() < 2) {
            throw new IllegalArgumentException(preset + ": leave-one-run-out needs at least 2 runs");
        }
        PaymentAttacker a6 = PaymentAttacker.standard();
        ClientFingerprintAttacker a7 = new ClientFingerprintAttacker(segment, ClientFingerprintAttacker.View.OUT);
        List<Double> aucs = new ArrayList<>();
        List<Double> tprs = new ArrayList<>();
        int right = 0;
        int total = 0;
        int majority = 0;
        for (int i = 0; i < days.size(); i++) {
            List<ObservedDay> train = new ArrayList<>(days);
            ObservedDay test = train.remove(i);
            PaymentAttacker.Result r = a6.evaluate(train, List.of(test));
            aucs.add(r.auc());
            tprs.add(r.rocTpr());
            long trainLength = train.stream().mapToLong(ObservedDay::lengthNanos).sum();
            List<ObservedDay> coreTrain = core(core, trainLength, seed * 1000 + 100 * i);
            List<ObservedDay> coreTest = core(core, test.lengthNanos(), seed * 1000 + 100 * i + 50);
            ClientFingerprintAttacker.Result f = a7.evaluate(train, coreTrain, List.of(test), coreTest);
            right += (int) Math.round(f.accuracy() * f.segments());
            total += f.segments();
            majority += (int) Math.round(f.baseline() * f.segments());
        }
        long length = 0;
        long out = 0;
        int in29 = 0;
        int connections = 0;
        for (ObservedDay d : days) {
            length += d.lengthNanos();
            out += d.outBytes();
            connections += d.sessions().size();
            for (WireWrite w : d.writes(Direction.INBOUND)) {
                in29 += w.bytes() == 29 ? 1 : 0;
            }
        }
        double[] latency = payments.stream().mapToDouble(Payment::latencyMillis).filter(x -> !Double.isNaN(x))
                .sorted().toArray();
        return new Row(preset, days.size(), (int) payments.stream().filter(Payment::delivered).count(),
                payments.size(), mean(aucs), mean(tprs), aucs.stream().mapToDouble(d -> d).min().orElseThrow(),
                aucs.stream().mapToDouble(d -> d).max().orElseThrow(),
                new ClientFingerprintAttacker.Result((double) right / total, (double) majority / total, total),
                in29 / (length / 60e9), out / (double) length * Duration.ofDays(1).toNanos() / 1e6,
                WalletGeneratorCheck.quantile(latency, 0.5), WalletGeneratorCheck.quantile(latency, 0.99),
                (double) connections / days.size(), WalletReport.PeerView.of(days));
    }

    /** Core connections of about {@code totalNanos} in all, half relay and half blocks-only, through {@code core}. */
    static List<ObservedDay> core(TrafficConfig core, long totalNanos, long seed) {
        List<ObservedDay> out = new ArrayList<>();
        Duration half = Duration.ofNanos(totalNanos / 2);
        int k = 0;
        for (SyntheticWorkload.Profile p : List.of(SyntheticWorkload.Profile.RELAY,
                SyntheticWorkload.Profile.BLOCKS_ONLY)) {
            long s = seed + k++;
            ConnectionTrace t = SyntheticWorkload.generate(p.name() + "-" + s, p, half, s);
            Replay r = ReplaySimulator.run(t, new ReplaySimulator.Settings(core, ReplaySimulator.BITCOIN_CORE,
                    SyntheticWorkload.oneWayDelay(p, s), s * 131, true, Duration.ofSeconds(5)));
            out.add(WalletWire.node(r, half.toNanos()));
        }
        return out;
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    public static void main(String... args) throws Exception {
        Path dir = Path.of("/work/wire-captures");
        String presets = DEFAULT_PRESETS;
        Duration segment = Duration.ofMinutes(2);
        long seed = 1;
        Path markdown = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--captures" -> dir = Path.of(v);
                case "--presets" -> presets = v;
                case "--segment" -> segment = Duration.ofSeconds(Long.parseLong(v));
                case "--seed" -> seed = Long.parseLong(v);
                case "--markdown" -> markdown = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--captures DIR --presets NAME=STRATEGY;... --segment SECONDS --seed N --markdown FILE)");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
        }
        Map<String, String> strategies = new LinkedHashMap<>();
        for (String p : presets.split(";")) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("a preset is NAME=STRATEGY, got '" + p + "'");
            }
            strategies.put(kv[0].trim(), kv[1].trim());
        }
        List<Row> rows = new ArrayList<>();
        Map<String, List<String>> used = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : strategies.entrySet()) {
            List<String> names = runs(dir, e.getKey());
            List<ObservedDay> days = new ArrayList<>();
            List<Payment> pays = new ArrayList<>();
            for (String n : names) {
                days.add(WalletWire.captured(WalletCaptures.read(dir, n)));
                pays.addAll(payments(Files.readString(dir.resolve(n + ".payments.csv"), StandardCharsets.UTF_8)));
            }
            used.put(e.getKey(), names);
            rows.add(evaluate(e.getKey(), ShapingStrategies.parse(e.getValue()), days, pays, segment, seed));
        }
        String text = table(rows, strategies, used, segment);
        System.out.println(text);
        if (markdown != null) {
            Files.writeString(markdown, text, StandardCharsets.UTF_8);
        }
    }

    static String table(List<Row> rows, Map<String, String> strategies, Map<String, List<String>> used,
                        Duration segment) {
        StringBuilder md = new StringBuilder();
        md.append("| preset | runs | payments delivered | A6 AUC (min-max over folds) | A6 TPR@1% | A7 out | inbound"
                + " 29-byte segments / min | out MB/day | payment latency p50 / p99 | connections per run |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| `%s` | %d | %d/%d | %.2f (%.2f-%.2f) | %.2f | %+.1f | %.1f | %.1f"
                            + " | %.0f / %.0f ms | %.1f |%n", r.preset(), r.runs(), r.delivered(), r.payments(),
                    r.a6Auc(), r.a6AucMin(), r.a6AucMax(), r.a6Tpr(), r.a7().pointsOverBaseline(), r.in29PerMinute(),
                    r.outMbPerDay(), r.latencyP50(), r.latencyP99(), r.connectionsPerRun()));
        }
        md.append(String.format(Locale.ROOT, "%nA6: leave-one-run-out over each preset's runs (trained on the other"
                + " runs, scored on the held-out one), 5-s windows. A7 out: %d-s segments, held-out segments pooled"
                + " over the folds, accuracy minus the majority baseline in points; Core side through %s.%n",
                segment.toSeconds(), strategies));
        md.append("\nWhat the peer's direction still shows:\n\n| preset | peer 29-byte writes / h | of their gaps 1.9-2.3 s"
                + " | blocks followed by a merkleblock-sized write | peer invs within 1 s of our >3 KB write |\n"
                + "|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.2f | %.2f | %.2f |%n", r.preset(),
                    r.peer().smallPerHour(), r.peer().smallLatticeShare(), r.peer().merkleAfterBlock(),
                    r.peer().invAfterRefresh()));
        }
        md.append("\nCaptures: ");
        used.forEach((k, v) -> md.append(k).append(' ').append(v).append("; "));
        md.append('\n');
        return md.toString();
    }
}

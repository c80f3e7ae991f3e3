package org.bip324shaper.bench.shape.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bip324shaper.bench.shape.sim.ReplaySimulator;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.Direction;

/**
 * The shape-evaluation report: runs every strategy on every workload through the replay simulator, attacks the
 * result with the standard attackers, and prints what the observer still learns against what it costs.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.bip324shaper.bench.shape.report.ShapeReport \
 *     [--hours 6] [--connections 3] [--seed 1] [--strategies none,random,reference,lean] [--out docs/] \
 *     [--workloads relay,blocksonly,capture] [--captures DIR] [--threads 2] [--both-ends] [--markdown FILE]
 * </pre>
 *
 * Strategies are preset names or {@code ShapingStrategies} config strings; separate them with {@code ;} when any of
 * them contains a comma (e.g. {@code "none;ticker:sizes=80/160,min=1s,max=2s"}). By default: none, RANDOM padding
 * and every {@link ShapingPreset}. Prints the tables (Markdown; also to {@code --markdown FILE}) and writes
 * {@code shape-pareto.png} into the output directory. {@code --both-ends} also runs each strategy with the peer
 * shaped the same way, to show what a shaping peer would add.
 */
public final class ShapeReport {
    /** What runs by default: no shaping, RANDOM padding alone, then every preset (the reference first). */
    public static final List<String> DEFAULT_STRATEGIES = defaultStrategies();
    static final List<String> WORKLOADS = List.of("relay", "blocksonly", "capture");
    /** Suffix of a strategy run with the peer shaped the same way (--both-ends). */
    static final String BOTH_ENDS = "@both-ends";
    private static final List<String> LATENCY_TYPES = List.of("ping", "pong", "inv", "getdata", "tx", "headers",
            "cmpctblock", "block", "addrv2");

    private ShapeReport() {
    }

    private static List<String> defaultStrategies() {
        List<String> list = new ArrayList<>(List.of("none", "random"));
        for (ShapingPreset preset : ShapingPreset.values()) {
            list.add(preset.configName());
        }
        return List.copyOf(list);
    }

    /** Command-line options. */
    record Options(double hours, int connections, long seed, List<String> strategies, Path out,
                   List<String> workloads, Path captures, int threads, boolean bothEnds, Path markdown) {

        static Options parse(String... args) {
            double hours = 6;
            int connections = 3;
            long seed = 1;
            List<String> strategies = DEFAULT_STRATEGIES;
            Path out = Path.of("docs");
            List<String> workloads = WORKLOADS;
            Path captures = null;
            int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
            boolean bothEnds = false;
            Path markdown = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException(usage());
                }
                if (flag.equals("--both-ends")) {
                    bothEnds = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value\n" + usage());
                }
                String value = args[++i];
                switch (flag) {
                    case "--hours":
                        hours = number(flag, value, 0.05, 24 * 30);
                        break;
                    case "--connections":
                        connections = (int) number(flag, value, 1, 100);
                        break;
                    case "--seed":
                        try {
                            seed = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seed must be a whole number, was '" + value + "'");
                        }
                        break;
                    case "--strategies":
                        strategies = strategies(value);
                        break;
                    case "--out":
                        out = Path.of(value);
                        break;
                    case "--workloads":
                        workloads = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                                .toList();
                        for (String w : workloads) {
                            if (!WORKLOADS.contains(w)) {
                                throw new IllegalArgumentException("unknown workload '" + w + "' (expected "
                                        + String.join(", ", WORKLOADS) + ")");
                            }
                        }
                        break;
                    case "--captures":
                        captures = Path.of(value);
                        break;
                    case "--threads":
                        threads = (int) number(flag, value, 1, 64);
                        break;
                    case "--markdown":
                        markdown = Path.of(value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + flag + "\n" + usage());
                }
            }
            if (strategies.isEmpty() || workloads.isEmpty()) {
                throw new IllegalArgumentException("need at least one strategy and one workload");
            }
            return new Options(hours, connections, seed, strategies, out, workloads,
                    captures == null ? Workloads.sharedTraces() : captures, threads, bothEnds, markdown);
        }

        /** {@code ;}-separated, or {@code ,}-separated when no part has parameters. */
        static List<String> strategies(String value) {
            boolean configs = value.contains(";") || value.contains(":") || value.contains("=");
            List<String> list = Arrays.stream(value.split(configs ? ";" : ",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
            for (String s : list) {
                ShapingStrategies.parse(s); // fails early, naming the bad part
            }
            return list;
        }

        private static double number(String flag, String value, double min, double max) {
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a number, was '" + value + "'");
            }
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ", was " + value);
            }
            return v;
        }

        static String usage() {
            return "usage: ShapeReport [--hours N] [--connections N] [--seed S] [--strategies a,b,...|a;b;...]"
                    + " [--out DIR] [--workloads relay,blocksonly,capture] [--captures DIR] [--threads N]"
                    + " [--both-ends] [--markdown FILE]";
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String markdown = run(options, System.err);
        System.out.print(markdown);
    }

    /** Runs the report; progress goes to {@code log}; returns the tables (also written to the output directory). */
    static String run(Options options, PrintStream log) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Files.createDirectories(options.out());
        Duration length = Duration.ofSeconds(Math.round(options.hours() * 3600));
        List<Workload> workloads = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String name : options.workloads()) {
            switch (name) {
                case "relay":
                    workloads.add(Workloads.synthetic(SyntheticWorkload.Profile.RELAY, length, options.connections(),
                            options.seed()));
                    break;
                case "blocksonly":
                    workloads.add(Workloads.synthetic(SyntheticWorkload.Profile.BLOCKS_ONLY, length,
                            options.connections(), options.seed() + 1));
                    break;
                default:
                    Path pcap = options.captures().resolve("capture_002_mainnet.pcap");
                    if (Files.isReadable(pcap)) {
                        workloads.add(Workloads.capture(pcap));
                    } else {
                        notes.add("capture workload skipped: " + pcap + " not found (use --captures DIR)");
                    }
            }
        }
        Map<String, TrafficConfig> configs = new LinkedHashMap<>();
        for (String s : options.strategies()) {
            configs.put(s, ShapingStrategies.parse(s));
        }
        List<String> names = new ArrayList<>(configs.keySet());
        List<Evaluation> evaluations = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            List<Future<Evaluation>> futures = new ArrayList<>();
            for (Workload w : workloads) {
                for (String name : names) {
                    TrafficConfig config = configs.get(name);
                    List<Boolean> peerShaped = options.bothEnds() ? List.of(false, true) : List.of(false);
                    for (boolean both : peerShaped) {
                        String label = both ? name + BOTH_ENDS : name;
                        TrafficConfig peer = both ? config : ReplaySimulator.BITCOIN_CORE;
                        futures.add(pool.submit(() -> {
                            Evaluation e = Evaluation.run(label, config, peer, w, options.seed());
                            synchronized (log) {
                                log.printf(Locale.ROOT, "[%6.1f s] %-12s %-40s %5.1f s%n",
                                        (System.nanoTime() - start) / 1e9, w.name(), label, e.seconds());
                            }
                            return e;
                        }));
                    }
                }
            }
            for (Future<Evaluation> f : futures) {
                evaluations.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("an evaluation failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Path png = options.out().resolve("shape-pareto.png");
        ParetoPlot.write(evaluations, png);
        String markdown = markdown(options, workloads, evaluations, notes, (System.nanoTime() - start) / 1e9);
        if (options.markdown() != null) {
            Files.writeString(options.markdown(), markdown, StandardCharsets.UTF_8);
            log.println("wrote " + options.markdown());
        }
        log.printf(Locale.ROOT, "wrote %s in %.1f s%n", png, (System.nanoTime() - start) / 1e9);
        return markdown;
    }

    static String markdown(Options options, List<Workload> workloads, List<Evaluation> evaluations,
            List<String> notes, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<!-- generated by ShapeReport --hours %s --connections %d --seed %d"
                + " --strategies \"%s\"%s in %.0f s -->%n%n", trim(options.hours()), options.connections(),
                options.seed(), String.join(";", options.strategies()), options.bothEnds() ? " --both-ends" : "",
                seconds));
        out.append(String.format(Locale.ROOT, "RANDOM decoys alone cost %.1f MB/day/connection; \"%% RANDOM\" is a"
                + " strategy's overhead (decoys, garbage, handshake) as a share of that.%n%n",
                Cost.RANDOM_DECOYS_PER_DAY / 1e6));
        for (String note : notes) {
            out.append("Note: ").append(note).append("\n\n");
        }
        for (Workload w : workloads) {
            out.append("### Workload `").append(w.name()).append("`: ").append(w.about()).append("\n\n");
            out.append("Attacks on our direction (out) and on the unmodified peer's (in); A1/A2: accuracy minus the"
                    + " majority baseline in points; A3/A4/A5: TPR at 1% FPR on held-out data (best threshold);"
                    + " costs are our direction's, per connection-day.\n\n");
            out.append("| strategy | A1 out | A2 out | A3 out | A4-60m out | A5 out | A1 in | A3 in | A5 in"
                    + " | MB/day | overhead | % RANDOM | hold p50 / p99 | targets |\n");
            out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Evaluation e : evaluations) {
                if (!e.workload().equals(w.name())) {
                    continue;
                }
                out.append(String.format(Locale.ROOT,
                        "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %s | %s | %s / %s ms | %s |%n",
                        e.strategy(), pts(e.points(Direction.OUTBOUND, "A1")),
                        pts(e.points(Direction.OUTBOUND, "A2")), tpr(e.tpr(Direction.OUTBOUND, "A3-block-window")),
                        tpr(e.tpr(Direction.OUTBOUND, "A4-block-correlation-60m")),
                        tpr(e.tpr(Direction.OUTBOUND, "A5-ping-lattice")), pts(e.points(Direction.INBOUND, "A1")),
                        tpr(e.tpr(Direction.INBOUND, "A3-block-window")),
                        tpr(e.tpr(Direction.INBOUND, "A5-ping-lattice")), e.cost().writtenPerDay() / 1e6,
                        percent(e.cost().overheadPercent()), percent(e.cost().percentOfRandomDecoys()),
                        ms(e.latency().all()[0]), ms(e.latency().all()[1]), e.meetsTargets() ? "met" : "-"));
            }
            out.append("\n");
            out.append(latencyTable(w, evaluations));
        }
        out.append("### Every attacker\n\n");
        for (Workload w : workloads) {
            out.append("#### `").append(w.name()).append("`\n\n");
            boolean header = true;
            for (Evaluation e : evaluations) {
                if (!e.workload().equals(w.name())) {
                    continue;
                }
                for (Direction d : Direction.values()) {
                    String table = e.report(d).markdown();
                    out.append(header ? table : table.substring(table.indexOf('\n', table.indexOf('\n') + 1) + 1));
                    header = false;
                }
            }
            out.append("\n");
        }
        return out.toString();
    }

    private static String latencyTable(Workload w, List<Evaluation> evaluations) {
        List<String> types = new ArrayList<>();
        for (String type : LATENCY_TYPES) {
            for (Evaluation e : evaluations) {
                double[] s = e.latency().byType().get(type);
                if (e.workload().equals(w.name()) && s != null && s[2] >= 3) {
                    types.add(type);
                    break;
                }
            }
        }
        if (types.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("Added latency of our messages (shaper hold, p50 / p99 ms) by type:\n\n");
        out.append("| strategy | ").append(String.join(" | ", types)).append(" |\n|---|");
        out.append("---|".repeat(types.size())).append("\n");
        for (Evaluation e : evaluations) {
            if (!e.workload().equals(w.name())) {
                continue;
            }
            out.append("| `").append(e.strategy()).append("` |");
            for (String type : types) {
                double[] s = e.latency().byType().get(type);
                out.append(s == null ? " n/a |" : " " + ms(s[0]) + " / " + ms(s[1]) + " |");
            }
            out.append("\n");
        }
        return out.append("\n").toString();
    }

    private static String pts(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f", v) : "n/a";
    }

    private static String tpr(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
    }

    private static String percent(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return v < 10 ? String.format(Locale.ROOT, "%.2f%%", v) : String.format(Locale.ROOT, "%.0f%%", v);
    }

    private static String ms(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

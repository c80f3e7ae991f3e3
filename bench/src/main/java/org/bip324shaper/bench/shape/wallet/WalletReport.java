package org.bip324shaper.bench.shape.wallet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bip324shaper.bench.shape.sim.Hold;
import org.bip324shaper.bench.shape.sim.Replay;
import org.bip324shaper.bench.shape.sim.ReplaySimulator;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.ConnectionTrace;

/**
 * The wallet section of the shape evaluation: bitcoinj wallet days (synthetic, fitted to the shared captures, and the
 * captures themselves) through each strategy, with and without the modelled agent normalization, attacked by A6
 * (payment detection) and A7 (wallet or node?).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.bip324shaper.bench.shape.wallet.WalletReport \
 *     [--hours 6] [--days 3] [--seed 1] [--strategies "none;lean;balanced;wallet"] [--out docs/]
 *     [--captures DIR] [--threads 2] [--markdown FILE]
 * </pre>
 *
 * A strategy is a preset name or config string; {@code X@normalized} runs it behind the normalization
 * ({@link Normalization#wallet()}); the {@code wallet} preset always is, {@code wallet@raw} is the preset alone, and
 * {@code wallet-cover=P} is the normalized wallet preset with cover probability P (0 = no cover ticks).
 */
public final class WalletReport {
    static final String NORMALIZED = "@normalized";
    static final String RAW = "@raw";
    static final String COVER = "wallet-cover=";
    static final List<String> DEFAULT_STRATEGIES = List.of("none", "reference", "lean", "balanced",
            "none@normalized", "lean@normalized", "wallet@raw", COVER + "0", COVER + "0.3", COVER + "0.5",
            COVER + "0.6", "wallet");
    static final List<String> CAPTURES = List.of("wallet_nio_20min", "wallet_blocking_20min");

    private WalletReport() {
    }

    /** Command-line options. */
    record Options(double hours, int days, long seed, List<String> strategies, Path out, Path captures, int threads,
                   Path markdown) {
        static Options parse(String... args) {
            double hours = 6;
            int days = 3;
            long seed = 1;
            List<String> strategies = DEFAULT_STRATEGIES;
            Path out = Path.of("docs");
            Path captures = null;
            int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
            Path markdown = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + flag + " needs a value");
                }
                String v = args[++i];
                switch (flag) {
                    case "--hours" -> hours = Double.parseDouble(v);
                    case "--days" -> days = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--strategies" -> strategies = Arrays.stream(v.split(v.contains(";") ? ";" : ","))
                            .map(String::trim).filter(s -> !s.isEmpty()).toList();
                    case "--out" -> out = Path.of(v);
                    case "--captures" -> captures = Path.of(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--markdown" -> markdown = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (hours <= 0 || days < 1 || threads < 1 || strategies.isEmpty()) {
                throw new IllegalArgumentException("hours > 0, days >= 1, threads >= 1 and a strategy are needed");
            }
            return new Options(hours, days, seed, strategies, out, captures, threads, markdown);
        }
    }

    /** A strategy as run: its config, and whether the normalization sits in front. */
    record Strategy(String name, TrafficConfig config, boolean normalized) {
        static Strategy of(String name) {
            if (name.startsWith(COVER)) {
                double p = Double.parseDouble(name.substring(COVER.length()));
                String spec = ShapingPreset.WALLET.spec().replaceFirst("cover=416@[0-9.]+", p == 0 ? "" : "cover=416@" + p)
                        .replace(",,", ",");
                return new Strategy(name, ShapingStrategies.parse(spec), true);
            }
            boolean normalized = name.endsWith(NORMALIZED) || name.equals("wallet");
            String spec = name.endsWith(NORMALIZED) ? name.substring(0, name.length() - NORMALIZED.length())
                    : name.endsWith(RAW) ? name.substring(0, name.length() - RAW.length()) : name;
            return new Strategy(name, ShapingStrategies.parse(spec), normalized);
        }
    }

    /** Everything measured for one strategy. */
    record Evaluation(Strategy strategy, PaymentAttacker.Result a6, PaymentAttacker.Result a6Real,
                      ClientFingerprintAttacker.Result a7Out, ClientFingerprintAttacker.Result a7In,
                      ClientFingerprintAttacker.Result a7Both, double busyMbPerDay, double idleMbPerDay,
                      double payP50Ms, double payP99Ms, double refreshP99Min, int unreleased, int payments,
                      double seconds, PeerView peer) {
        boolean meetsGoal(ClientFingerprintAttacker.Result baselineA7) {
            return a6.auc() <= 0.60 && a6.rocTpr() <= 0.05 && payP99Ms <= 3000 && idleMbPerDay <= 5
                    && a7Out.pointsOverBaseline() <= 5 && unreleased == 0;
        }
    }

    /**
     * What the unmodified peer's direction still shows on the held-out wallet days.
     *
     * @param smallPerHour     29-byte writes from the peer per hour (pongs and its pings)
     * @param smallLatticeShare share of gaps between them of 1.9..2.3 s (bitcoinj's cadence)
     * @param merkleAfterBlock share of blocks followed within 2 s by a peer write of 100..1,000 bytes (a merkleblock;
     *                         a node would get a block or compact block)
     * @param invAfterRefresh  share of the peer's inv writes that come within 1 s of one of our writes over 3 KB
     *                         (an inv answering a refresh's mempool: the wallet has an unconfirmed payment)
     */
    record PeerView(double smallPerHour, double smallLatticeShare, double merkleAfterBlock, double invAfterRefresh) {
        static PeerView of(List<ObservedDay> days) {
            double hours = 0;
            int small = 0;
            int lattice = 0;
            int gaps = 0;
            int blocks = 0;
            int merkle = 0;
            int invs = 0;
            int invAfter = 0;
            for (ObservedDay d : days) {
                hours += d.lengthNanos() / 3.6e12;
                List<org.bip324shaper.core.trace.WireWrite> in = d.writes(org.bip324shaper.core.trace.Direction.INBOUND);
                List<org.bip324shaper.core.trace.WireWrite> out = d.writes(
                        org.bip324shaper.core.trace.Direction.OUTBOUND);
                long last = -1;
                for (org.bip324shaper.core.trace.WireWrite w : in) {
                    if (w.bytes() == 29) {
                        small++;
                        if (last >= 0) {
                            gaps++;
                            long g = w.timeNanos() - last;
                            lattice += g >= 1_900_000_000L && g <= 2_300_000_000L ? 1 : 0;
                        }
                        last = w.timeNanos();
                    }
                    if (w.bytes() >= 58 && (w.bytes() - 22) % 36 == 0 && w.bytes() < 1000) {
                        invs++;
                        for (org.bip324shaper.core.trace.WireWrite o : out) {
                            if (o.bytes() > 3000 && o.timeNanos() <= w.timeNanos()
                                    && w.timeNanos() - o.timeNanos() <= 1_000_000_000L) {
                                invAfter++;
                                break;
                            }
                        }
                    }
                }
                for (WalletEvent e : d.events()) {
                    if (e.kind() == WalletEvent.Kind.PAY) {
                        continue;
                    }
                    blocks++;
                    for (org.bip324shaper.core.trace.WireWrite w : in) {
                        if (w.timeNanos() >= e.timeNanos() && w.timeNanos() - e.timeNanos() <= 2_000_000_000L
                                && w.bytes() >= 100 && w.bytes() <= 1000) {
                            merkle++;
                            break;
                        }
                    }
                }
            }
            return new PeerView(small / hours, gaps == 0 ? 0 : (double) lattice / gaps,
                    blocks == 0 ? 0 : (double) merkle / blocks, invs == 0 ? 0 : (double) invAfter / invs);
        }
    }

    /** The inputs every strategy is run on. */
    record Inputs(List<WalletDay> train, List<WalletDay> test, List<Duration> trainDelay, List<Duration> testDelay,
                  List<ConnectionTrace> nodeTrain, List<ConnectionTrace> nodeTest, List<Duration> nodeDelay,
                  WalletDay idle, List<WalletDay> captureTrain, List<WalletDay> real) {
    }

    static Inputs inputs(Options o, List<WalletDay> real) {
        WalletDayGenerator busy = WalletDayGenerator.busyWallet();
        Duration length = Duration.ofMillis((long) (o.hours() * 3_600_000));
        List<WalletDay> train = new ArrayList<>();
        List<WalletDay> test = new ArrayList<>();
        List<Duration> trainDelay = new ArrayList<>();
        List<Duration> testDelay = new ArrayList<>();
        for (int i = 0; i < o.days(); i++) {
            long a = o.seed() * 1000 + i;
            long b = o.seed() * 1000 + 500 + i;
            train.add(busy.generate("wallet-" + a, length, a));
            trainDelay.add(busy.oneWayDelay(a));
            test.add(busy.generate("wallet-" + b, length, b));
            testDelay.add(busy.oneWayDelay(b));
        }
        List<ConnectionTrace> nodeTrain = new ArrayList<>();
        List<ConnectionTrace> nodeTest = new ArrayList<>();
        List<Duration> nodeDelay = new ArrayList<>();
        Duration half = length.dividedBy(2);
        for (SyntheticWorkload.Profile p : List.of(SyntheticWorkload.Profile.RELAY,
                SyntheticWorkload.Profile.BLOCKS_ONLY)) {
            for (int i = 0; i < o.days(); i++) {
                long a = o.seed() * 1000 + 200 + i;
                long b = o.seed() * 1000 + 700 + i;
                nodeTrain.add(SyntheticWorkload.generate(p.name() + "-" + a, p, half, a));
                nodeTest.add(SyntheticWorkload.generate(p.name() + "-" + b, p, half, b));
                nodeDelay.add(SyntheticWorkload.oneWayDelay(p, a));
            }
        }
        WalletDay idle = WalletDayGenerator.idle().generate("idle", Duration.ofHours(6), o.seed());
        List<WalletDay> captureTrain = new ArrayList<>();
        WalletDayGenerator like = WalletDayGenerator.captureLike();
        for (int i = 0; i < 6; i++) {
            long a = o.seed() * 1000 + 900 + i;
            captureTrain.add(like.generate("capture-like-" + a, Duration.ofMinutes(20), a));
        }
        return new Inputs(train, test, trainDelay, testDelay, nodeTrain, nodeTest, nodeDelay, idle, captureTrain,
                real);
    }

    static ObservedDay wire(Strategy s, WalletDay day, Duration owd, long seed) {
        if (!s.normalized()) {
            return WalletWire.replay(day, s.config(), owd, seed);
        }
        Normalization.Result n = Normalization.wallet().apply(day, owd, seed);
        return WalletWire.replay(n.day(), s.config(), owd, seed, n.addedWireBytes());
    }

    static Evaluation evaluate(Strategy s, Inputs in, long seed) {
        long start = System.nanoTime();
        List<ObservedDay> train = new ArrayList<>();
        List<ObservedDay> test = new ArrayList<>();
        for (int i = 0; i < in.train().size(); i++) {
            train.add(wire(s, in.train().get(i), in.trainDelay().get(i), seed * 7919 + i));
            test.add(wire(s, in.test().get(i), in.testDelay().get(i), seed * 7919 + 500 + i));
        }
        List<ObservedDay> nodeTrain = new ArrayList<>();
        List<ObservedDay> nodeTest = new ArrayList<>();
        for (int i = 0; i < in.nodeTrain().size(); i++) {
            for (boolean isTrain : new boolean[] {true, false}) {
                ConnectionTrace t = (isTrain ? in.nodeTrain() : in.nodeTest()).get(i);
                long length = t.durationNanos();
                Replay r = ReplaySimulator.run(t, new ReplaySimulator.Settings(s.config(),
                        ReplaySimulator.BITCOIN_CORE, in.nodeDelay().get(i), seed * 131 + i + (isTrain ? 0 : 50),
                        true, Duration.ofSeconds(5)));
                (isTrain ? nodeTrain : nodeTest).add(WalletWire.node(r, length));
            }
        }
        PaymentAttacker a6 = PaymentAttacker.standard();
        PaymentAttacker.Result a6Result = a6.evaluate(train, test);
        PaymentAttacker.Result a6Real = null;
        if (!in.real().isEmpty()) {
            List<ObservedDay> likeTrain = new ArrayList<>();
            for (int i = 0; i < in.captureTrain().size(); i++) {
                likeTrain.add(wire(s, in.captureTrain().get(i), Duration.ofNanos(200_000), seed * 17 + i));
            }
            List<ObservedDay> real = new ArrayList<>();
            for (int i = 0; i < in.real().size(); i++) {
                real.add(wire(s, in.real().get(i), Duration.ofNanos(200_000), seed * 19 + i));
            }
            a6Real = a6.evaluate(likeTrain, real);
        }
        ClientFingerprintAttacker.Result[] a7 = new ClientFingerprintAttacker.Result[3];
        for (ClientFingerprintAttacker.View v : ClientFingerprintAttacker.View.values()) {
            a7[v.ordinal()] = ClientFingerprintAttacker.standard(v).evaluate(train, nodeTrain, test, nodeTest);
        }
        double bytes = 0;
        double nanos = 0;
        int unreleased = 0;
        List<Double> pay = new ArrayList<>();
        for (ObservedDay d : test) {
            bytes += d.outBytes();
            nanos += d.lengthNanos();
            unreleased += d.unreleased();
            for (Hold h : d.holds("tx")) {
                pay.add(h.nanos() / 1e6);
            }
        }
        ObservedDay idle = wire(s, in.idle(), Duration.ofMillis(20), seed * 23);
        double perDay = Duration.ofDays(1).toNanos();
        double refreshP99 = Double.NaN;
        if (s.normalized()) {
            List<Double> waits = new ArrayList<>();
            for (int i = 0; i < in.test().size(); i++) {
                Normalization.wallet().apply(in.test().get(i), in.testDelay().get(i), seed * 7919 + 500 + i)
                        .heldNanos().forEach(w -> waits.add(w / 60e9));
            }
            refreshP99 = WalletGeneratorCheck.quantile(waits.stream().mapToDouble(Double::doubleValue).toArray(),
                    0.99);
        }
        double[] p = pay.stream().mapToDouble(Double::doubleValue).toArray();
        return new Evaluation(s, a6Result, a6Real, a7[0], a7[1], a7[2], bytes / nanos * perDay / 1e6,
                idle.outBytes() / (double) idle.lengthNanos() * perDay / 1e6, WalletGeneratorCheck.quantile(p, 0.5),
                WalletGeneratorCheck.quantile(p, 0.99), refreshP99, unreleased, p.length,
                (System.nanoTime() - start) / 1e9, PeerView.of(test));
    }

    public static void main(String... args) throws Exception {
        Options o = Options.parse(args);
        long t0 = System.nanoTime();
        Path dir = o.captures() != null ? o.captures() : sharedWalletTraces();
        List<WalletDay> real = new ArrayList<>();
        for (String name : CAPTURES) {
            if (Files.exists(dir.resolve(name + ".pcap"))) {
                real.add(WalletCaptures.read(dir, name));
            }
        }
        StringBuilder md = new StringBuilder();
        if (!real.isEmpty()) {
            List<ObservedDay> captured = real.stream().map(WalletWire::captured).toList();
            md.append("#### Generator check: synthetic wallet days against the real captures\n\n");
            md.append(WalletGeneratorCheck.markdownHeader()).append('\n');
            for (WalletGeneratorCheck.Row r : WalletGeneratorCheck.compare(captured,
                    WalletGeneratorCheck.synthetic(real, o.seed()))) {
                md.append(r.markdown()).append('\n');
            }
            md.append('\n');
        }
        Inputs in = inputs(o, real);
        ExecutorService pool = Executors.newFixedThreadPool(o.threads());
        List<Future<Evaluation>> futures = new ArrayList<>();
        for (String name : o.strategies()) {
            Strategy s = Strategy.of(name);
            futures.add(pool.submit(() -> evaluate(s, in, o.seed())));
        }
        List<Evaluation> results = new ArrayList<>();
        try {
            for (Future<Evaluation> f : futures) {
                Evaluation e = f.get();
                results.add(e);
                System.err.printf(Locale.ROOT, "[%6.1f s] %-28s %6.1f s%n", (System.nanoTime() - t0) / 1e9,
                        e.strategy().name(), e.seconds());
            }
        } finally {
            pool.shutdownNow();
        }
        md.append(table(results, o));
        String text = md.toString();
        System.out.println(text);
        if (o.markdown() != null) {
            Files.writeString(o.markdown(), text, StandardCharsets.UTF_8);
        }
        Files.createDirectories(o.out());
        WalletPlot.write(results, o.out().resolve("wallet-pareto.png"));
        System.err.printf(Locale.ROOT, "wrote %s in %.1f s%n", o.out().resolve("wallet-pareto.png"),
                (System.nanoTime() - t0) / 1e9);
    }

    static String table(List<Evaluation> results, Options o) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "<!-- generated by WalletReport --hours %s --days %d --seed %d"
                + " --strategies \"%s\" -->%n%n", fmt(o.hours()), o.days(), o.seed(),
                String.join(";", o.strategies())));
        md.append(String.format(Locale.ROOT, "#### Wallet days: %d+%d synthetic busy wallet days of %s h "
                + "(train+test), against %d+%d Core connections of %s h (relay and blocksonly)%n%n", o.days(),
                o.days(), fmt(o.hours()), 2 * o.days(), 2 * o.days(), fmt(o.hours() / 2)));
        md.append("| strategy | A6 AUC | A6 TPR@1% | A6 TPR (trained) | A6 real AUC | A6 real TPR@1% | A7 out | A7 in"
                + " | A7 both | out MB/day | idle MB/day | payment hold p50 / p99 | refresh wait p99 | goal |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        ClientFingerprintAttacker.Result base = results.get(0).a7Out();
        for (Evaluation e : results) {
            md.append(String.format(Locale.ROOT,
                    "| `%s` | %.3f | %.3f | %.3f | %s | %s | %+.1f | %+.1f | %+.1f | %.2f | %.2f | %.0f / %.0f ms"
                            + " | %s | %s |%n",
                    e.strategy().name(), e.a6().auc(), e.a6().rocTpr(), e.a6().trainedTpr(),
                    e.a6Real() == null ? "-" : String.format(Locale.ROOT, "%.3f", e.a6Real().auc()),
                    e.a6Real() == null ? "-" : String.format(Locale.ROOT, "%.3f", e.a6Real().rocTpr()),
                    e.a7Out().pointsOverBaseline(), e.a7In().pointsOverBaseline(), e.a7Both().pointsOverBaseline(),
                    e.busyMbPerDay(), e.idleMbPerDay(), e.payP50Ms(), e.payP99Ms(),
                    Double.isNaN(e.refreshP99Min()) ? "-" : String.format(Locale.ROOT, "%.1f min",
                            e.refreshP99Min()),
                    e.meetsGoal(base) ? "met" : "-"));
        }
        Evaluation first = results.get(0);
        md.append(String.format(Locale.ROOT, "%nA6: %d payment windows and %d other 5-s windows held out; A6 real: "
                + "%s. A7: %d held-out 10-min segments, majority baseline %.3f; columns are accuracy minus it, in"
                + " points.%n", first.a6().positives(), first.a6().negatives(),
                first.a6Real() == null ? "no captures"
                        : first.a6Real().positives() + " + " + first.a6Real().negatives() + " windows of the two"
                        + " captures, trained on six 20-min capture-like synthetic days",
                first.a7Out().segments(), first.a7Out().baseline()));
        md.append("\nWhat the unmodified peer's direction still shows on the held-out days:\n\n");
        md.append("| strategy | peer 29-byte writes / h | of their gaps 1.9-2.3 s | blocks followed by a merkleblock-sized"
                + " write | peer invs within 1 s of our >3 KB write |\n|---|---|---|---|---|\n");
        for (Evaluation e : results) {
            md.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.2f | %.2f | %.2f |%n", e.strategy().name(),
                    e.peer().smallPerHour(), e.peer().smallLatticeShare(), e.peer().merkleAfterBlock(),
                    e.peer().invAfterRefresh()));
        }
        for (Evaluation e : results) {
            if (e.unreleased() != 0) {
                md.append("\n`").append(e.strategy().name()).append("` left ").append(e.unreleased())
                        .append(" messages unsent at a close.\n");
            }
        }
        return md.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** {@code shared/traces/wallet} beside the clone, or {@code -Dbip324.traces.dir}/wallet. */
    static Path sharedWalletTraces() {
        String configured = System.getProperty("bip324.traces.dir");
        if (configured != null) {
            return Path.of(configured).resolve("wallet");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : List.of(p.resolve("shared/traces/wallet"), p.resolveSibling("shared").resolve("traces")
                    .resolve("wallet"))) {
                if (Files.isDirectory(c)) {
                    return c;
                }
            }
        }
        return Path.of("/work/shared/traces/wallet");
    }

}

package org.bip324shaper.bench.shape.wallet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * Compares the wire of synthetic wallet days with the real captures: the generator with the captures' event rates
 * ({@link WalletDayGenerator#captureLike()}), replayed unshaped, against the captured writes. For each quantity
 * an observer uses, the two-sample Kolmogorov-Smirnov distance D (0 = same distribution, 1 = disjoint) and the
 * medians and 90th percentiles. Times are compared at 10 ms resolution: the replay's clock has no scheduler noise,
 * and sub-millisecond offsets would make D large without telling an observer anything.
 */
public final class WalletGeneratorCheck {
    private WalletGeneratorCheck() {
    }

    /** One compared quantity. */
    public record Row(String quantity, double[] real, double[] synthetic) {
        public double ks() {
            return ksDistance(real, synthetic);
        }

        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %s / %s | %s / %s | %.3f |", quantity, real.length,
                    synthetic.length, num(quantile(real, 0.5)), num(quantile(real, 0.9)),
                    num(quantile(synthetic, 0.5)), num(quantile(synthetic, 0.9)), ks());
        }
    }

    /** The rows for real days against synthetic days (both as observed on the wire). */
    public static List<Row> compare(List<ObservedDay> real, List<ObservedDay> synthetic) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("wallet write size (bytes)", sizes(real, Direction.OUTBOUND),
                sizes(synthetic, Direction.OUTBOUND)));
        rows.add(new Row("node write size (bytes)", sizes(real, Direction.INBOUND),
                sizes(synthetic, Direction.INBOUND)));
        rows.add(new Row("gap between the node's 29-byte writes (s)", round(smallGaps(real)),
                round(smallGaps(synthetic))));
        rows.add(new Row("connection length (s)", round(lengths(real)), round(lengths(synthetic))));
        rows.add(new Row("payment to FIN (s)", round(payToFin(real)), round(payToFin(synthetic))));
        rows.add(new Row("FIN to next SYN (s)", round(finToSyn(real)), round(finToSyn(synthetic))));
        rows.add(new Row("wallet bytes in the first 1 s of a connection", firstSecond(real),
                firstSecond(synthetic)));
        return rows;
    }

    /** Synthetic counterparts of {@code real}: same length, the captures' rates, replayed unshaped. */
    public static List<ObservedDay> synthetic(List<WalletDay> real, long seed) {
        WalletDayGenerator g = WalletDayGenerator.captureLike();
        List<ObservedDay> out = new ArrayList<>();
        int i = 0;
        for (WalletDay d : real) {
            long s = seed * 1000 + i++;
            WalletDay day = g.generate("synthetic-" + d.label(), Duration.ofNanos(d.lengthNanos()), s);
            out.add(WalletWire.replay(day, TrafficConfig.DEFAULT, g.oneWayDelay(s), s));
        }
        return out;
    }

    public static String markdownHeader() {
        return "| quantity | real n | synthetic n | real p50 / p90 | synthetic p50 / p90 | KS D |\n"
                + "|---|---|---|---|---|---|";
    }

    /** To 10 ms. */
    static double[] round(double[] seconds) {
        double[] out = new double[seconds.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(seconds[i] * 100) / 100.0;
        }
        return out;
    }

    static double[] sizes(List<ObservedDay> days, Direction d) {
        List<Double> v = new ArrayList<>();
        for (ObservedDay day : days) {
            for (WireWrite w : day.writes(d)) {
                v.add((double) w.bytes());
            }
        }
        return toArray(v);
    }

    static double[] smallGaps(List<ObservedDay> days) {
        List<Double> v = new ArrayList<>();
        for (ObservedDay day : days) {
            for (ObservedDay.Session s : day.sessions()) {
                long last = -1;
                for (WireWrite w : s.wire().writes(Direction.INBOUND)) {
                    if (w.bytes() != 29) {
                        continue;
                    }
                    if (last >= 0 && w.timeNanos() - last < 10_000_000_000L) {
                        v.add((w.timeNanos() - last) / 1e9);
                    }
                    last = w.timeNanos();
                }
            }
        }
        return toArray(v);
    }

    static double[] lengths(List<ObservedDay> days) {
        List<Double> v = new ArrayList<>();
        for (ObservedDay day : days) {
            for (int i = 0; i + 1 < day.sessions().size(); i++) {
                ObservedDay.Session s = day.sessions().get(i);
                v.add((s.end() - s.start()) / 1e9);
            }
        }
        return toArray(v);
    }

    static double[] payToFin(List<ObservedDay> days) {
        List<Double> v = new ArrayList<>();
        for (ObservedDay day : days) {
            long[] fins = day.closes();
            for (long p : day.times(WalletEvent.Kind.PAY)) {
                long next = Arrays.stream(fins).filter(f -> f >= p).min().orElse(-1);
                if (next >= 0 && next - p < 10_000_000_000L) {
                    v.add((next - p) / 1e9);
                }
            }
        }
        return toArray(v);
    }

    static double[] finToSyn(List<ObservedDay> days) {
        List<Double> v = new ArrayList<>();
        for (ObservedDay day : days) {
            for (int i = 0; i + 1 < day.sessions().size(); i++) {
                v.add((day.sessions().get(i + 1).start() - day.sessions().get(i).end()) / 1e9);
            }
        }
        return toArray(v);
    }

    static double[] firstSecond(List<ObservedDay> days) {
        List<Double> v = new ArrayList<>();
        for (ObservedDay day : days) {
            for (ObservedDay.Session s : day.sessions()) {
                long sum = 0;
                for (WireWrite w : s.wire().writes(Direction.OUTBOUND)) {
                    if (w.timeNanos() <= 1_000_000_000L) {
                        sum += w.bytes();
                    }
                }
                v.add((double) sum);
            }
        }
        return toArray(v);
    }

    /** Two-sample Kolmogorov-Smirnov distance; 1 if either sample is empty. */
    public static double ksDistance(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            return 1;
        }
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            double v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= v) {
                i++;
            }
            while (j < y.length && y[j] <= v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    static double quantile(double[] v, double q) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.floor(q * s.length))];
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

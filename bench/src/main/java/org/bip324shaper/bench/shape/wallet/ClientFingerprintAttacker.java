package org.bip324shaper.bench.shape.wallet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.bench.shape.attack.Bins;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A7, client fingerprint: is the client behind this stretch of traffic a bitcoinj wallet or a Bitcoin Core node?
 * Days are cut into segments of {@code segment} (10 min by default); each segment is classified from what it shows:
 * per direction a histogram of write sizes (9 log bins, counts binned), the number of writes, the share of 29-byte
 * writes that follow the previous one by 1.9..2.3 s (bitcoinj's ping cadence), the largest write within 1 s of each
 * SYN (the handshake phase), and the SYNs and FINs (reconnects). Trained on training days of both kinds, scored on
 * held-out days: accuracy against the majority baseline of the held-out segments.
 *
 * @param segment the stretch classified at once
 * @param view    which directions the attacker looks at
 */
public record ClientFingerprintAttacker(Duration segment, View view) {

    /** What the observer uses besides the connection events. */
    public enum View {
        /** Our direction. */
        OUT,
        /** The peer's direction. */
        IN,
        /** Both. */
        BOTH
    }

    public ClientFingerprintAttacker {
        if (segment.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("segments shorter than 10 s say too little");
        }
    }

    public static ClientFingerprintAttacker standard(View view) {
        return new ClientFingerprintAttacker(Duration.ofMinutes(10), view);
    }

    /**
     * @param accuracy  share of held-out segments named right
     * @param baseline  the majority class's share among them
     * @param segments  held-out segments
     */
    public record Result(double accuracy, double baseline, int segments) {
        public double pointsOverBaseline() {
            return 100 * (accuracy - baseline);
        }
    }

    public Result evaluate(List<ObservedDay> walletTrain, List<ObservedDay> nodeTrain, List<ObservedDay> walletTest,
            List<ObservedDay> nodeTest) {
        BinnedBayes model = new BinnedBayes(FEATURES);
        walletTrain.forEach(d -> model.addAll(segments(d), true));
        nodeTrain.forEach(d -> model.addAll(segments(d), false));
        int right = 0;
        int total = 0;
        int wallets = 0;
        for (boolean wallet : new boolean[] {true, false}) {
            for (ObservedDay d : wallet ? walletTest : nodeTest) {
                for (int[] x : segments(d)) {
                    total++;
                    wallets += wallet ? 1 : 0;
                    if ((model.score(x) > 0) == wallet) {
                        right++;
                    }
                }
            }
        }
        if (total == 0 || wallets == 0 || wallets == total) {
            throw new IllegalArgumentException("A7 needs held-out segments of both kinds");
        }
        double baseline = Math.max(wallets, total - wallets) / (double) total;
        return new Result((double) right / total, baseline, total);
    }

    private static final int SIZE_BINS = 9;
    private static final int PER_DIRECTION = SIZE_BINS + 3;
    private static final int FEATURES = 2 * PER_DIRECTION + 2;

    List<int[]> segments(ObservedDay day) {
        long s = segment.toNanos();
        int count = (int) (day.lengthNanos() / s);
        List<int[]> out = new ArrayList<>();
        List<WireWrite> ours = day.writes(Direction.OUTBOUND);
        List<WireWrite> theirs = day.writes(Direction.INBOUND);
        long[] opens = day.opens();
        long[] closes = day.closes();
        for (int k = 0; k < count; k++) {
            long from = k * s;
            long to = from + s;
            int[] x = new int[FEATURES];
            if (view != View.IN) {
                direction(x, 0, ours, from, to, opens);
            }
            if (view != View.OUT) {
                direction(x, PER_DIRECTION, theirs, from, to, opens);
            }
            x[2 * PER_DIRECTION] = countBin(count(opens, from, to));
            x[2 * PER_DIRECTION + 1] = countBin(count(closes, from, to));
            out.add(x);
        }
        return out;
    }

    private static void direction(int[] x, int at, List<WireWrite> writes, long from, long to, long[] opens) {
        int[] hist = new int[SIZE_BINS];
        int n = 0;
        int small = 0;
        int lattice = 0;
        long lastSmall = Long.MIN_VALUE;
        int handshakeMax = 0;
        for (WireWrite w : writes) {
            if (w.timeNanos() < from || w.timeNanos() >= to) {
                continue;
            }
            n++;
            hist[Math.min(SIZE_BINS - 1, Bins.log2(w.bytes(), 1) / 2)]++;
            if (w.bytes() == 29) {
                small++;
                long gap = w.timeNanos() - lastSmall;
                if (gap >= 1_900_000_000L && gap <= 2_300_000_000L) {
                    lattice++;
                }
                lastSmall = w.timeNanos();
            }
            for (long o : opens) {
                if (w.timeNanos() >= o && w.timeNanos() - o <= 1_000_000_000L) {
                    handshakeMax = Math.max(handshakeMax, w.bytes());
                }
            }
        }
        for (int i = 0; i < SIZE_BINS; i++) {
            x[at + i] = countBin(hist[i]);
        }
        x[at + SIZE_BINS] = countBin(n);
        x[at + SIZE_BINS + 1] = small == 0 ? 0 : 1 + (int) Math.round(4.0 * lattice / small);
        x[at + SIZE_BINS + 2] = handshakeMax == 0 ? 0 : 1 + Bins.log2(handshakeMax, 2);
    }

    private static int count(long[] times, long from, long to) {
        int c = 0;
        for (long t : times) {
            if (t >= from && t < to) {
                c++;
            }
        }
        return c;
    }

    private static int countBin(int c) {
        return c == 0 ? 0 : 1 + Bins.log2(c, 1);
    }
}

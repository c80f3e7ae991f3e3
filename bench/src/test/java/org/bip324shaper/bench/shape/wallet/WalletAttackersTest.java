package org.bip324shaper.bench.shape.wallet;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bip324shaper.bench.shape.sim.ReplaySimulator;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.junit.jupiter.api.Test;

/** A6 and A7 find what is there, and find nothing when the ground truth is cut loose from the traffic. */
class WalletAttackersTest {
    private static final Duration DAY = Duration.ofHours(2);
    private static final WalletDayGenerator BUSY = WalletDayGenerator.busyWallet();

    private static List<ObservedDay> days(long from, int n, TrafficConfig config, boolean normalized) {
        List<ObservedDay> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seed = from + i;
            WalletDay day = BUSY.generate("w" + seed, DAY, seed);
            Duration owd = BUSY.oneWayDelay(seed);
            if (normalized) {
                Normalization.Result r = Normalization.wallet().apply(day, owd, seed);
                out.add(WalletWire.replay(r.day(), config, owd, seed, r.addedWireBytes()));
            } else {
                out.add(WalletWire.replay(day, config, owd, seed));
            }
        }
        return out;
    }

    /** The same wire with the payments moved to random times: nothing links them to the traffic any more. */
    private static List<ObservedDay> shuffledPayments(List<ObservedDay> days, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ObservedDay> out = new ArrayList<>();
        for (ObservedDay d : days) {
            List<WalletEvent> events = new ArrayList<>();
            for (WalletEvent e : d.events()) {
                events.add(e.kind() == WalletEvent.Kind.PAY ? new WalletEvent(r.nextLong(d.lengthNanos()), e.kind())
                        : e);
            }
            out.add(new ObservedDay(d.label(), d.sessions(), events, d.lengthNanos(), d.addedBytes()));
        }
        return out;
    }

    @Test
    void a6FindsUnshapedPaymentsAndNothingOnceTheyAreShuffled() {
        List<ObservedDay> train = days(100, 3, TrafficConfig.DEFAULT, false);
        List<ObservedDay> test = days(200, 3, TrafficConfig.DEFAULT, false);
        PaymentAttacker a6 = PaymentAttacker.standard();
        PaymentAttacker.Result found = a6.evaluate(train, test);
        assertTrue(found.auc() > 0.95 && found.rocTpr() > 0.8, "unshaped: " + found);
        PaymentAttacker.Result blind = a6.evaluate(shuffledPayments(train, 1), shuffledPayments(test, 2));
        assertTrue(blind.auc() > 0.3 && blind.auc() < 0.7, "shuffled payments: " + blind);
        assertThrows(IllegalArgumentException.class, () -> a6.evaluate(List.of(), test));
    }

    @Test
    void walletPresetBehindTheNormalizationHidesMoreThanShapingAlone() {
        TrafficConfig wallet = ShapingPreset.WALLET.config();
        PaymentAttacker a6 = PaymentAttacker.standard();
        PaymentAttacker.Result raw = a6.evaluate(days(100, 3, wallet, false), days(200, 3, wallet, false));
        PaymentAttacker.Result normalized = a6.evaluate(days(100, 3, wallet, true), days(200, 3, wallet, true));
        assertTrue(raw.auc() > 0.9, "the preset alone leaves bitcoinj's reconnects: " + raw);
        assertTrue(normalized.auc() < 0.75, "behind the normalization: " + normalized);
    }

    @Test
    void a7TellsAnUnshapedWalletFromANodeAndNothingFromAMixedLabelling() {
        List<ObservedDay> walletTrain = days(100, 2, TrafficConfig.DEFAULT, false);
        List<ObservedDay> walletTest = days(200, 2, TrafficConfig.DEFAULT, false);
        List<ObservedDay> nodeTrain = nodes(300, 1);
        List<ObservedDay> nodeTest = nodes(400, 1);
        ClientFingerprintAttacker a7 = ClientFingerprintAttacker.standard(ClientFingerprintAttacker.View.OUT);
        ClientFingerprintAttacker.Result r = a7.evaluate(walletTrain, nodeTrain, walletTest, nodeTest);
        assertTrue(r.pointsOverBaseline() > 30, "unshaped wallet vs node: " + r);
        // Both training classes hold the same days: nothing is left to learn, no better than the baseline.
        List<ObservedDay> all = new ArrayList<>(walletTrain);
        all.addAll(nodeTrain);
        ClientFingerprintAttacker.Result mixed = a7.evaluate(all, all, walletTest, nodeTest);
        assertTrue(mixed.pointsOverBaseline() <= 1e-9, "same days in both classes: " + mixed);
    }

    private static List<ObservedDay> nodes(long seed, int each) {
        List<ObservedDay> out = new ArrayList<>();
        for (SyntheticWorkload.Profile p : List.of(SyntheticWorkload.Profile.RELAY,
                SyntheticWorkload.Profile.BLOCKS_ONLY)) {
            for (int i = 0; i < each; i++) {
                ConnectionTrace t = SyntheticWorkload.generate(p.name() + seed + i, p, DAY, seed + i);
                out.add(WalletWire.node(ReplaySimulator.run(t, ReplaySimulator.Settings.of(TrafficConfig.DEFAULT,
                        seed + i)), t.durationNanos()));
            }
        }
        return out;
    }
}

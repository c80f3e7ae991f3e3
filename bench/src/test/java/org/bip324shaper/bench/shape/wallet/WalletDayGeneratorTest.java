package org.bip324shaper.bench.shape.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.junit.jupiter.api.Test;

/** The synthetic wallet days follow their parameters and look like the real captures on the wire. */
class WalletDayGeneratorTest {
    private static final long MS = 1_000_000L;

    @Test
    void sameSeedSameDayAndRatesWithinFourSigma() {
        WalletDayGenerator g = WalletDayGenerator.busyWallet();
        WalletDay a = g.generate("a", Duration.ofHours(24), 7);
        assertEquals(a, g.generate("a", Duration.ofHours(24), 7));
        assertNotEquals(a.events(), g.generate("a", Duration.ofHours(24), 8).events());
        int pays = a.times(WalletEvent.Kind.PAY).length;
        int blocks = a.times(WalletEvent.Kind.BLOCK).length + a.times(WalletEvent.Kind.RECEIVE).length;
        assertWithin(pays, 24 * 4.0, "payments a day");
        assertWithin(blocks, 24 * 6.0, "blocks a day");
        assertWithin(a.times(WalletEvent.Kind.RECEIVE).length, 0.2 * blocks, "receives");
        assertEquals(pays + 1, a.sessions().size(), "one redial per payment");
    }

    @Test
    void eachPaymentIsATxThenAFinThenARedialAndPingsFollowPongsByTwoSeconds() {
        WalletDayGenerator g = WalletDayGenerator.busyWallet();
        WalletDay day = g.generate("d", Duration.ofHours(6), 3);
        long owd = g.oneWayDelay(3).toNanos();
        List<WalletSession> sessions = day.sessions();
        for (int i = 0; i + 1 < sessions.size(); i++) {
            WalletSession s = sessions.get(i);
            List<GenuineMessage> txs = s.messages().messages(Direction.OUTBOUND).stream()
                    .filter(m -> m.type().equals("tx")).toList();
            assertEquals(1, txs.size(), "one payment ends each session but the last");
            long finAfterTx = s.lengthNanos() - txs.get(0).timeNanos();
            assertTrue(finAfterTx >= 1_001 * MS && finAfterTx <= 1_004 * MS, "FIN " + finAfterTx / 1e6 + " ms");
            long redial = sessions.get(i + 1).startNanos() - s.endNanos();
            assertTrue(redial >= 1_502 * MS && redial <= 1_510 * MS, "redial " + redial / 1e6 + " ms");
            List<GenuineMessage> out = s.messages().messages(Direction.OUTBOUND);
            assertEquals(List.of("version", "verack", "sendaddrv2"), out.stream().limit(3).map(GenuineMessage::type)
                    .toList());
            long[] pings = out.stream().filter(m -> m.type().equals("ping")).mapToLong(GenuineMessage::timeNanos)
                    .toArray();
            for (int k = 1; k < pings.length; k++) {
                long gap = pings[k] - pings[k - 1] - 2 * owd;
                assertTrue(Math.abs(gap - 2_000 * MS) <= 2 * MS, "ping gap " + gap / 1e6 + " ms + a round trip");
            }
        }
    }

    /** The check the docs show: unshaped synthetic days against the two captures (shape-only copies). */
    @Test
    void syntheticWireMatchesTheCaptures() {
        List<WalletDay> real = WalletTraces.resources();
        List<ObservedDay> captured = real.stream().map(WalletWire::captured).toList();
        List<WalletGeneratorCheck.Row> rows = WalletGeneratorCheck.compare(captured,
                WalletGeneratorCheck.synthetic(real, 1));
        double[] bound = {0.05, 0.1, 0.1, 0.3, 0.3, 0.3, 0.5};
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(rows.get(i).ks() <= bound[i], rows.get(i).markdown());
        }
        // A check that could fail: a generator with 20 s pings or no reconnects is far off.
        WalletGeneratorCheck.Row pings = rows.get(2);
        double[] wrong = pings.synthetic().clone();
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] *= 1.2;
        }
        assertTrue(WalletGeneratorCheck.ksDistance(pings.real(), wrong) > 0.9, "2.4 s pings are told apart");
    }

    private static void assertWithin(double observed, double expected, String what) {
        assertTrue(Math.abs(observed - expected) <= 4 * Math.sqrt(expected), what + ": " + observed + " vs "
                + expected);
    }
}

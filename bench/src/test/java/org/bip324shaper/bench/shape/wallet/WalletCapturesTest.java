package org.bip324shaper.bench.shape.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wallet captures as imported: connection events, bitcoinj's reconnect after each payment, its 2 s pings, and
 * the labeller's guesses, checked against the captures' ground truth (events.csv).
 */
class WalletCapturesTest {
    private static final long MS = 1_000_000L;

    @Test
    void pcapImportEqualsTheShapeOnlyCopiesInTheRepository() throws IOException {
        assumeTrue(WalletTraces.pcapsPresent(), "shared/traces/wallet not present");
        List<WalletDay> copies = WalletTraces.resources();
        for (int i = 0; i < WalletTraces.NAMES.size(); i++) {
            WalletDay imported = WalletCaptures.read(WalletTraces.SHARED, WalletTraces.NAMES.get(i));
            WalletDay copy = copies.get(i);
            assertEquals(imported.events(), copy.events());
            assertEquals(imported.lengthNanos(), copy.lengthNanos());
            assertEquals(imported.sessions().size(), copy.sessions().size());
            for (int s = 0; s < copy.sessions().size(); s++) {
                assertEquals(imported.sessions().get(s).startNanos(), copy.sessions().get(s).startNanos());
                assertEquals(imported.sessions().get(s).endNanos(), copy.sessions().get(s).endNanos());
                assertEquals(imported.sessions().get(s).messages().writes(),
                        copy.sessions().get(s).messages().writes());
                assertEquals(imported.sessions().get(s).messages().messages(),
                        copy.sessions().get(s).messages().messages());
            }
        }
    }

    @Test
    void everyPaymentEndsItsConnectionAndTheWalletRedialsAfterOneAndAHalfSeconds() {
        for (WalletDay day : WalletTraces.resources()) {
            assertEquals(day.label().contains("nio") ? 21 : 14, day.sessions().size(), day.label());
            long[] pays = day.times(WalletEvent.Kind.PAY);
            assertEquals(day.label().contains("nio") ? 20 : 15, pays.length);
            java.util.Set<WalletSession> endedByPayment = new java.util.HashSet<>();
            for (long p : pays) {
                // A payment called while the wallet redials goes out on the next connection.
                WalletSession s = day.sessions().stream().filter(x -> p < x.endNanos() && x.startNanos() - p < 2_000 * MS)
                        .findFirst().orElseThrow(() -> new AssertionError("payment with no connection near"));
                long toFin = s.endNanos() - Math.max(p, s.startNanos());
                assertTrue(toFin > 150 * MS && toFin < 1_300 * MS, "FIN " + toFin / 1e6 + " ms after the payment");
                int next = day.sessions().indexOf(s) + 1;
                if (next < day.sessions().size()) {
                    long gap = day.sessions().get(next).startNanos() - s.endNanos();
                    assertTrue(gap > 1_490 * MS && gap < 1_520 * MS, "redial after " + gap / 1e6 + " ms");
                    endedByPayment.add(s);
                }
            }
            assertEquals(day.sessions().size() - 1, endedByPayment.size(), "every reconnect follows a payment");
        }
    }

    @Test
    void labelsMatchTheGroundTruth() {
        int txs = 0;
        int pays = 0;
        int onLattice = 0;
        int gaps = 0;
        for (WalletDay day : WalletTraces.resources()) {
            pays += day.times(WalletEvent.Kind.PAY).length;
            for (WalletSession s : day.sessions()) {
                List<GenuineMessage> out = s.messages().messages(Direction.OUTBOUND);
                List<GenuineMessage> in = s.messages().messages(Direction.INBOUND);
                assertEquals(1, count(out, "version"), s.messages().label());
                assertEquals(1, count(in, "version"), s.messages().label());
                if (s != day.sessions().get(0)) { // the first one also syncs: its getblocks are not all labelled
                    assertTrue(count(out, "filterload") >= 1 && count(out, "getblocks") == 1, s.messages().label());
                }
                txs += count(out, "tx");
                // bitcoinj pings 2 s after each pong: the gaps between its pings are 2.000 s (+ a round trip).
                long[] pings = out.stream().filter(m -> m.type().equals("ping")).mapToLong(GenuineMessage::timeNanos)
                        .toArray();
                for (int i = 2; i < pings.length; i++) {
                    long gap = pings[i] - pings[i - 1];
                    onLattice += Math.abs(gap - 2_000 * MS) < 10 * MS ? 1 : 0;
                    gaps++;
                }
                assertTrue(count(in, "pong") >= pings.length - 1, "the node answers each ping");
            }
        }
        assertEquals(pays, txs, "one tx per payment");
        // Crossings with the node's own pings, and pings delayed by a block, leave a few gaps off the lattice.
        assertTrue(onLattice >= 0.9 * gaps, onLattice + " of " + gaps + " ping gaps are 2.000 s");
    }

    @Test
    void badFilesAreRefusedNamingTheLine(@TempDir Path dir) throws IOException {
        String good = "bip324-wallet-day 1\nlabel x\nlength 10\nS 0 10\nW 1 out 64\n";
        assertEquals(1, WalletDayFiles.read(new ByteArrayInputStream(good.getBytes(StandardCharsets.US_ASCII)), "g")
                .sessions().size());
        for (String bad : List.of("nope\n", good.replace("W 1 out 64", "W 1 sideways 64"),
                good.replace("S 0 10\n", ""), good.replace("W 1 out 64", "W 1 out 0"),
                good.replace("length 10", "length 5"), good + "E 3 heist\n")) {
            IOException e = assertThrows(IOException.class,
                    () -> WalletDayFiles.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.US_ASCII)), "b"));
            assertTrue(e.getMessage().startsWith("b"), e.getMessage());
        }
        Path csv = dir.resolve("x.events.csv");
        Files.writeString(csv, "epoch_s,kind,detail\nabc,pay,\n");
        assumeTrue(WalletTraces.pcapsPresent(), "shared/traces/wallet not present");
        Files.copy(WalletTraces.SHARED.resolve("wallet_nio_20min.pcap"), dir.resolve("x.pcap"));
        assertThrows(IOException.class, () -> WalletCaptures.read(dir, "x"), "a bad time in events.csv");
    }

    private static int count(List<GenuineMessage> messages, String type) {
        return (int) messages.stream().filter(m -> m.type().equals(type)).count();
    }

    static long[] sorted(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c;
    }
}

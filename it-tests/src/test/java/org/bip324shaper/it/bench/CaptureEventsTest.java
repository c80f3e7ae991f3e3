package org.bip324shaper.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureEventsTest {
    private static final Path SHARED = Path.of("../../shared/traces/wallet");

    @Test
    void rewritesEachSharedEventsFileByteForByte() throws Exception {
        Path dir = Files.isDirectory(SHARED) ? SHARED : Path.of("/work/shared/traces/wallet");
        assumeTrue(Files.isDirectory(dir), "shared/traces/wallet not present");
        for (String name : List.of("wallet_nio_20min", "wallet_blocking_20min")) {
            String text = Files.readString(dir.resolve(name + ".events.csv"), StandardCharsets.UTF_8);
            assertEquals(text, CaptureEvents.parse(text).text(), name);
        }
    }

    @Test
    void writesMillisecondsWithThreeDigitsAndEmptyDetails() {
        CaptureEvents e = new CaptureEvents(18444);
        e.add(1_700_000_000_005L, CaptureEvents.Kind.READY, "");
        e.add(1_700_000_001_250L, CaptureEvents.Kind.PAY, "ab".repeat(32));
        assertEquals("# node port 18444\nepoch_s,kind,detail\n1700000000.005,ready,\n1700000001.250,pay,"
                + "ab".repeat(32) + "\n", e.text());
        assertEquals(e.events(), CaptureEvents.parse(e.text()).events());
        assertThrows(IllegalArgumentException.class, () -> e.add(1, CaptureEvents.Kind.PAY, "a,b"));
    }

    @Test
    void scheduleIsSeededWithTheSharedCapturesMeanGapAndMix() {
        WireSchedule s = WireSchedule.standard(3);
        List<WireSchedule.Planned> plan = s.plan(Duration.ofHours(400));
        assertEquals(plan, WireSchedule.standard(3).plan(Duration.ofHours(400)));
        assertNotEquals(plan, WireSchedule.standard(4).plan(Duration.ofHours(400)));
        double meanGap = plan.get(plan.size() - 1).offset().toMillis() / 1000.0 / plan.size();
        assertTrue(Math.abs(meanGap - 40) < 2, "mean gap " + meanGap);
        long pays = plan.stream().filter(p -> p.kind() == CaptureEvents.Kind.PAY).count();
        assertTrue(Math.abs((double) pays / plan.size() - 0.5) < 0.02, "pay share");
    }

    @Test
    void nodeLogGivesEachTransactionsFirstAcceptance() {
        String tx = "cd".repeat(32);
        String log = "2026-12-03T18:01:02.345678Z [msghand] AcceptToMemoryPool: peer=0: accepted " + tx
                + " (wtxid=" + "ee".repeat(32) + ") (poolsz 1 txn, 1 kB)\n"
                + "2026-12-03T18:01:09.000000Z [msghand] AcceptToMemoryPool: peer=1: accepted " + tx + " (wtxid=x)\n"
                + "2026-12-03T18:01:10.000000Z [msghand] received: tx (200 bytes) peer=0\n";
        assertEquals(Map.of(tx, Instant.parse("2026-12-03T18:01:02.345678Z")), NodeMempoolLog.firstAccepted(log));
    }
}

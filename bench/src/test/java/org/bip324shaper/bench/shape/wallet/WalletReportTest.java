package org.bip324shaper.bench.shape.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's options, strategy names and a small end-to-end run. */
class WalletReportTest {

    @Test
    void strategyNamesSayWhatRunsBehindTheNormalization() {
        assertTrue(WalletReport.Strategy.of("wallet").normalized());
        assertEquals(ShapingPreset.WALLET.config(), WalletReport.Strategy.of("wallet@raw").config());
        assertTrue(!WalletReport.Strategy.of("wallet@raw").normalized());
        assertTrue(WalletReport.Strategy.of("lean@normalized").normalized());
        assertEquals(ShapingPreset.LEAN.config(), WalletReport.Strategy.of("lean@normalized").config());
        assertEquals(ShapingPreset.WALLET.config(), WalletReport.Strategy.of("wallet-cover=0.7").config());
        assertTrue(WalletReport.Strategy.of("wallet-cover=0").config().toString().indexOf("cover") < 0);
        assertThrows(IllegalArgumentException.class, () -> WalletReport.Options.parse("--days", "0"));
        assertThrows(IllegalArgumentException.class, () -> WalletReport.Options.parse("--bogus", "1"));
    }

    @Test
    void smallRunWritesTablesAndThePlot(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("w.md");
        WalletReport.main("--hours", "0.5", "--days", "1", "--strategies", "none;wallet", "--out", dir.toString(),
                "--markdown", md.toString(), "--threads", "1");
        String text = Files.readString(md);
        List<String> rows = text.lines().filter(l -> l.startsWith("| `")).toList();
        assertEquals(4, rows.size(), "two strategies, two tables: " + rows);
        assertTrue(text.contains("A6 AUC"), text);
        assertEquals(WalletTraces.pcapsPresent(), text.contains("KS D"), "the generator check runs on the captures");
        assertTrue(Files.size(dir.resolve("wallet-pareto.png")) > 1000);
    }
}

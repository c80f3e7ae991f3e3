package org.bip324shaper.bench.shape.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.ImageIO;

import org.bip324shaper.bench.shape.sim.Hold;
import org.bip324shaper.bench.shape.trace.SyntheticWorkload;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapeReportTest {
    @TempDir
    Path dir;

    @Test
    void runsEndToEndOnATinyConfigAndWritesThePlot() throws Exception {
        ShapeReport.Options options = ShapeReport.Options.parse("--hours", "0.5", "--connections", "1",
                "--strategies", "none,lean", "--workloads", "relay,capture", "--out", dir.toString(),
                "--threads", "2", "--markdown", dir.resolve("report.md").toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String markdown = ShapeReport.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));
        BufferedImage png = ImageIO.read(dir.resolve("shape-pareto.png").toFile());
        assertEquals(1680, png.getWidth());
        assertEquals(510, png.getHeight());
        assertEquals(markdown, Files.readString(dir.resolve("report.md")));
        for (String workload : List.of("relay", "capture")) {
            assertTrue(markdown.contains("### Workload `" + workload + "`"), workload);
        }
        // Each strategy has a row per workload in the headline tables, and the appendix holds every attacker.
        assertEquals(2, markdown.split("\\| `none` \\| [+-]", -1).length - 1);
        assertEquals(2, markdown.split("\\| `lean` \\| [+-]", -1).length - 1);
        assertTrue(markdown.contains("A4-block-correlation-120m"));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("wrote "));
    }

    @Test
    void evaluationSeesTheUndefendedLatticeAndTheTickerHidingIt() {
        Workload w = Workloads.synthetic(SyntheticWorkload.Profile.BLOCKS_ONLY, Duration.ofHours(2), 1, 3);
        Evaluation none = Evaluation.run("none", TrafficConfig.DEFAULT, w, 1);
        Evaluation lean = Evaluation.run("lean", ShapingStrategies.parse("lean"), w, 1);
        assertTrue(none.tpr(Direction.OUTBOUND, "A5-ping-lattice") > 0.9, "the lattice is plain without shaping");
        assertTrue(lean.tpr(Direction.OUTBOUND, "A5-ping-lattice") < 0.5, "a ticker hides it");
        // The peer's direction is not ours to shape: its lattice stays in plain view either way.
        assertTrue(lean.tpr(Direction.INBOUND, "A5-ping-lattice") > 0.9);
        assertTrue(none.cost().overheadPerDay() < 10_000, "only the handshake: " + none.cost());
        assertTrue(lean.cost().overheadPerDay() > 100 * none.cost().overheadPerDay());
        assertTrue(none.latency().all()[1] == 0 && lean.latency().all()[0] > 100, "lean holds small messages");
        assertEquals(0, none.unreleased());
        // A peer running the same ticker would hide its own direction too.
        TrafficConfig leanConfig = ShapingStrategies.parse("lean");
        Evaluation both = Evaluation.run("lean@both-ends", leanConfig, leanConfig, w, 1);
        assertTrue(both.tpr(Direction.INBOUND, "A5-ping-lattice") < 0.5);
    }

    @Test
    void optionsParseStrategyListsAndRefuseNonsense() {
        ShapeReport.Options defaults = ShapeReport.Options.parse();
        assertEquals(ShapeReport.DEFAULT_STRATEGIES, defaults.strategies());
        assertTrue(defaults.strategies().containsAll(List.of("none", "random", "reference", "lean")));
        assertTrue(ShapeReport.Options.parse("--both-ends").bothEnds());
        assertEquals(6, defaults.hours());
        assertEquals(Path.of("docs"), defaults.out());
        assertEquals(List.of("none", "reference"), ShapeReport.Options.strategies("none, reference"));
        assertEquals(List.of("none", "ticker:sizes=80/160,min=1s,max=2s"),
                ShapeReport.Options.strategies("none;ticker:sizes=80/160,min=1s,max=2s"));
        assertEquals(List.of("random:min=1,max=64"), ShapeReport.Options.strategies("random:min=1,max=64"));
        assertThrows(IllegalArgumentException.class, () -> ShapeReport.Options.strategies("none,nonsense"));
        assertThrows(IllegalArgumentException.class, () -> ShapeReport.Options.parse("--hours", "0"));
        assertThrows(IllegalArgumentException.class, () -> ShapeReport.Options.parse("--hours"));
        assertThrows(IllegalArgumentException.class, () -> ShapeReport.Options.parse("--bogus", "1"));
        assertThrows(IllegalArgumentException.class, () -> ShapeReport.Options.parse("--workloads", "mars"));
        assertThrows(IllegalArgumentException.class, () -> ShapeReport.Options.parse("--seed", "x"));
    }

    @Test
    void paretoFrontKeepsOnlyUndominatedPoints() {
        List<double[]> front = ParetoPlot.front(List.of(new double[] {1, 10}, new double[] {2, 5},
                new double[] {3, 7}, new double[] {0.5, 20}, new double[] {4, 1}));
        assertEquals(List.of("0.5/20.0", "1.0/10.0", "2.0/5.0", "4.0/1.0"),
                front.stream().map(p -> p[0] + "/" + p[1]).toList());
    }

    @Test
    void latencyPercentilesAndRandomDecoyCost() {
        Latency l = Latency.of(List.of(new Hold("ping", 0, 1_000_000), new Hold("ping", 0, 3_000_000),
                new Hold("inv", 0, 0)));
        assertEquals(1.0, l.byType().get("ping")[0]);
        assertEquals(3.0, l.byType().get("ping")[1]);
        assertEquals(2, l.byType().get("ping")[2]);
        assertEquals(1.0, l.all()[0]);
        // 864,000 ticks a day x 0.15 x (20 + 512.5) bytes: the "about 69 MB/day".
        assertEquals(69.0e6, Cost.RANDOM_DECOYS_PER_DAY, 0.1e6);
    }
}

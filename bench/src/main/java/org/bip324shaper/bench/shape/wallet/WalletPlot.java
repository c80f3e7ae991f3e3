package org.bip324shaper.bench.shape.wallet;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.bip324shaper.bench.shape.plot.CostPanel;
import org.bip324shaper.bench.shape.plot.Figure;

/**
 * The wallet section's figure: for each strategy, A6 (AUC) and A7 on our direction (points over baseline) against
 * the idle cost (MB/day, log scale), with the goal region shaded green.
 */
final class WalletPlot {
    private static final int W = 560;
    private static final int H = 460;
    private static final int L = 70;
    private static final int R = 20;
    private static final int T = 50;
    private static final int B = 60;
    private static final double X_MIN = 0.5;
    private static final double X_MAX = 200;

    private WalletPlot() {
    }

    private record Panel(String title, String axis, ToDoubleFunction<WalletReport.Evaluation> y, double goal,
                         double yMin, double yMax) {
    }

    static void write(List<WalletReport.Evaluation> results, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = List.of(
                new Panel("A6 payment windows (both directions)", "AUC (held out)", e -> e.a6().auc(), 0.60, 0.4,
                        1.02),
                new Panel("A7 wallet or node? (our direction)", "accuracy - baseline (points)",
                        e -> e.a7Out().pointsOverBaseline(), 5, -10, 55));
        Figure.writePng(W * panels.size(), H, g -> {
            for (int i = 0; i < panels.size(); i++) {
                draw(g, i * W, panels.get(i), results);
            }
        }, png);
    }

    private static void draw(Graphics2D g, int x0, Panel p, List<WalletReport.Evaluation> results) {
        CostPanel area = new CostPanel(x0 + L, T, W - L - R, H - T - B, X_MIN, X_MAX, p.yMin(), p.yMax());
        area.shadeGoal(g, 5, p.goal());
        area.xGrid(g, new double[] {0.5, 1, 2, 5, 10, 20, 50, 100, 200},
                v -> v < 1 ? "0.5" : String.valueOf((int) v));
        area.yGrid(g);
        area.frame(g, p.title(), "idle cost, MB/day (log)");
        g.rotate(-Math.PI / 2);
        g.drawString(p.axis(), -(T + area.height() / 2 + 60), x0 + 15);
        g.rotate(Math.PI / 2);
        g.setStroke(new BasicStroke(1.5f));
        for (WalletReport.Evaluation e : results) {
            int xx = (int) area.x(e.idleMbPerDay());
            int yy = (int) area.y(p.y().applyAsDouble(e));
            g.setColor(e.strategy().normalized() ? new Color(44, 160, 44) : new Color(31, 119, 180));
            g.fillOval(xx - 5, yy - 5, 10, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(e.strategy().name(), xx + 7, yy - 4);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("green: behind the modelled normalization; blue: shaping alone", area.left() + 5,
                T + area.height() + 50);
    }
}

package org.bip324shaper.bench.shape.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.bip324shaper.bench.shape.plot.CostPanel;
import org.bip324shaper.bench.shape.plot.Figure;
import org.bip324shaper.core.trace.Direction;

/**
 * Draws attacker success against cost, one panel per headline attack on our direction (A1, A3, A5), one colour per
 * workload, each strategy a labelled point and each workload's Pareto front a line. Cost is the overhead as a
 * percentage of what RANDOM decoys spend, on a log scale; the green corner is the target region. Plain AWT,
 * headless.
 */
final class ParetoPlot {
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 470;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;
    private static final double X_MIN = 0.01;
    private static final double X_MAX = 1000;
    private static final Color[] COLOURS = {new Color(31, 119, 180), new Color(255, 127, 14),
        new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189)};

    /** One panel: what is plotted, its target and its y range. */
    private record Panel(String title, String axis, ToDoubleFunction<Evaluation> y, double target, double yMin,
                         double yMax) {
    }

    private ParetoPlot() {
    }

    static void write(List<Evaluation> evaluations, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double a1Max = 40;
        double a1Min = -10;
        for (Evaluation e : evaluations) {
            double p = e.points(Direction.OUTBOUND, "A1");
            if (Double.isFinite(p)) {
                a1Max = Math.max(a1Max, Math.ceil(p / 10) * 10);
                a1Min = Math.min(a1Min, Math.floor(p / 10) * 10);
            }
        }
        List<Panel> panels = List.of(
                new Panel("A1 size -> type (ours)", "accuracy - majority baseline (points)",
                        e -> e.points(Direction.OUTBOUND, "A1"), 5, a1Min, a1Max),
                new Panel("A3 block windows (ours)", "TPR at 1% FPR",
                        e -> e.tpr(Direction.OUTBOUND, "A3-block-window"), 0.05, 0, 1.05),
                new Panel("A5 ping lattice (ours)", "TPR at 1% FPR",
                        e -> e.tpr(Direction.OUTBOUND, "A5-ping-lattice"), 0.05, 0, 1.05));
        Map<String, Color> colours = new LinkedHashMap<>();
        for (Evaluation e : evaluations) {
            colours.putIfAbsent(e.workload(), COLOURS[colours.size() % COLOURS.length]);
        }
        int height = PANEL_H + 40;
        Figure.writePng(PANEL_W * panels.size(), height, g -> {
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, i * PANEL_W, panels.get(i), evaluations, colours);
            }
            drawLegend(g, colours, height - 22);
        }, png);
    }

    private static void drawPanel(Graphics2D g, int x0, Panel panel, List<Evaluation> evaluations,
            Map<String, Color> colours) {
        CostPanel area = new CostPanel(x0 + LEFT, TOP, PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM, X_MIN, X_MAX,
                panel.yMin, panel.yMax);
        int px = area.left();
        int py = area.top();
        int plotW = area.width();
        int plotH = area.height();
        area.shadeGoal(g, 10, panel.target);
        area.xGrid(g, new double[] {0.01, 0.1, 1, 10, 100, 1000}, v -> v < 1
                ? String.format(Locale.ROOT, "%.2f%%", v) : String.format(Locale.ROOT, "%.0f%%", v));
        area.yGrid(g);
        area.frame(g, panel.title, "overhead as % of RANDOM decoys' bytes (log; <= 10% is the target)");
        g.drawString(panel.axis + " (lower is better)", px, py - 8);
        double tx = area.x(10);
        double ty = area.y(panel.target);
        // targets
        g.setColor(new Color(0, 120, 0));
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        g.drawLine((int) tx, py, (int) tx, py + plotH);
        g.drawLine(px, (int) ty, px + plotW, (int) ty);
        g.setStroke(new BasicStroke(1));
        // points and fronts, per workload
        List<Rectangle> labels = new ArrayList<>();
        for (Map.Entry<String, Color> series : colours.entrySet()) {
            List<double[]> points = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Evaluation e : evaluations) {
                double y = panel.y.applyAsDouble(e);
                if (e.workload().equals(series.getKey()) && Double.isFinite(y)) {
                    points.add(new double[] {area.clampX(e.cost().percentOfRandomDecoys()), y});
                    names.add(e.strategy());
                }
            }
            g.setColor(series.getValue());
            g.setStroke(new BasicStroke(1.5f));
            List<double[]> front = front(points);
            Path2D line = new Path2D.Double();
            for (int i = 0; i < front.size(); i++) {
                double x = area.x(front.get(i)[0]);
                double y = area.y(front.get(i)[1]);
                if (i == 0) {
                    line.moveTo(x, y);
                } else {
                    line.lineTo(x, area.y(front.get(i - 1)[1]));
                    line.lineTo(x, y);
                }
            }
            g.draw(line);
            g.setStroke(new BasicStroke(1));
            for (int i = 0; i < points.size(); i++) {
                double x = area.x(points.get(i)[0]);
                double y = area.y(points.get(i)[1]);
                g.fill(new Ellipse2D.Double(x - 4, y - 4, 8, 8));
                label(g, shortName(names.get(i)), x, y, labels, new Rectangle(px, py, plotW, plotH));
            }
        }
    }

    /**
     * Writes a point's label beside it where it overlaps no earlier label (trying four corners), or not at all:
     * strategies often land on the same spot, and the tables carry every number anyway.
     */
    private static void label(Graphics2D g, String text, double x, double y, List<Rectangle> taken, Rectangle plot) {
        FontMetrics fm = g.getFontMetrics();
        int w = fm.stringWidth(text);
        int h = fm.getAscent();
        int[][] offsets = {{6, -5}, {6, h + 3}, {-6 - w, -5}, {-6 - w, h + 3}};
        for (int[] o : offsets) {
            Rectangle r = new Rectangle((int) x + o[0], (int) y + o[1] - h, w, h);
            if (!plot.contains(r)) {
                continue;
            }
            boolean free = true;
            for (Rectangle t : taken) {
                if (t.intersects(r)) {
                    free = false;
                    break;
                }
            }
            if (free) {
                taken.add(r);
                g.drawString(text, r.x, r.y + h);
                return;
            }
        }
    }

    /** The points no other point beats on both cost and success, by increasing cost. */
    static List<double[]> front(List<double[]> points) {
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        List<double[]> front = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (double[] p : sorted) {
            if (p[1] < best) {
                front.add(p);
                best = p[1];
            }
        }
        return front;
    }

    private static void drawLegend(Graphics2D g, Map<String, Color> colours, int y) {
        int x = LEFT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Map.Entry<String, Color> e : colours.entrySet()) {
            g.setColor(e.getValue());
            g.fillOval(x, y - 9, 10, 10);
            g.setColor(Color.BLACK);
            String label = e.getKey() + " workload";
            g.drawString(label, x + 15, y);
            x += 30 + g.getFontMetrics().stringWidth(label);
        }
        g.setColor(new Color(0, 120, 0));
        g.drawString("green: target region (A1 <= 5 points over majority, TPR <= 5% at 1% FPR, <= 10% of RANDOM"
                + " decoys' bytes); lines: Pareto fronts", x + 20, y);
    }

    private static String shortName(String strategy) {
        return strategy.length() <= 24 ? strategy : strategy.substring(0, 21) + "...";
    }

}

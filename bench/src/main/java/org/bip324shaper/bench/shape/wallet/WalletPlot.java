package org.bip324shaper.bench.shape.wallet;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

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
        BufferedImage image = new BufferedImage(W * panels.size(), H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                draw(g, i * W, panels.get(i), results);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void draw(Graphics2D g, int x0, Panel p, List<WalletReport.Evaluation> results) {
        int px = x0 + L;
        int pw = W - L - R;
        int ph = H - T - B;
        g.setColor(new Color(220, 245, 220));
        int gx = x(X_MIN, px, pw);
        int gw = x(5, px, pw) - gx;
        int gy = y(p.goal(), p, ph);
        g.fillRect(gx, gy, gw, T + ph - gy);
        g.setColor(Color.BLACK);
        g.drawRect(px, T, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(p.title(), px, T - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double v : new double[] {0.5, 1, 2, 5, 10, 20, 50, 100, 200}) {
            int xx = x(v, px, pw);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(xx, T, xx, T + ph);
            g.setColor(Color.BLACK);
            g.drawString(v < 1 ? "0.5" : String.valueOf((int) v), xx - 8, T + ph + 15);
        }
        g.drawString("idle cost, MB/day (log)", px + pw / 2 - 60, T + ph + 35);
        double step = (p.yMax() - p.yMin()) > 20 ? 10 : 0.1;
        for (double v = Math.ceil(p.yMin() / step) * step; v <= p.yMax() + 1e-9; v += step) {
            int yy = y(v, p, ph);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, yy, px + pw, yy);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, step < 1 ? "%.1f" : "%.0f", v), px - 35, yy + 4);
        }
        g.rotate(-Math.PI / 2);
        g.drawString(p.axis(), -(T + ph / 2 + 60), x0 + 15);
        g.rotate(Math.PI / 2);
        g.setStroke(new BasicStroke(1.5f));
        for (WalletReport.Evaluation e : results) {
            double cost = Math.max(X_MIN, Math.min(X_MAX, e.idleMbPerDay()));
            double v = Math.max(p.yMin(), Math.min(p.yMax(), p.y().applyAsDouble(e)));
            int xx = x(cost, px, pw);
            int yy = y(v, p, ph);
            g.setColor(e.strategy().normalized() ? new Color(44, 160, 44) : new Color(31, 119, 180));
            g.fillOval(xx - 5, yy - 5, 10, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(e.strategy().name(), xx + 7, yy - 4);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("green: behind the modelled normalization; blue: shaping alone", px + 5, T + ph + 50);
    }

    private static int x(double v, int px, int pw) {
        return px + (int) Math.round(pw * Math.log(v / X_MIN) / Math.log(X_MAX / X_MIN));
    }

    private static int y(double v, Panel p, int ph) {
        return T + (int) Math.round(ph * (p.yMax() - v) / (p.yMax() - p.yMin()));
    }
}

package org.bip324shaper.bench.shape.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One panel of a cost/success figure: cost on a log-scale x, attacker success on a linear y, both clamped to their
 * ranges, with grid lines, tick labels, a frame, a title and the goal corner (cheap enough and hidden enough) shaded
 * green. The figures differ in what they plot and label; the axes and the chrome are this one class.
 */
public final class CostPanel {
    public static final Color GOAL = new Color(220, 245, 220);
    private static final Color GRID = new Color(230, 230, 230);

    private final int left;
    private final int top;
    private final int width;
    private final int height;
    private final double xMin;
    private final double xMax;
    private final double yMin;
    private final double yMax;

    /** The plot area at ({@code left}, {@code top}), {@code width} by {@code height} pixels. */
    public CostPanel(int left, int top, int width, int height, double xMin, double xMax, double yMin, double yMax) {
        if (!(xMin > 0 && xMax > xMin && yMax > yMin)) {
            throw new IllegalArgumentException("ranges must be increasing, and the log axis positive");
        }
        this.left = left;
        this.top = top;
        this.width = width;
        this.height = height;
        this.xMin = xMin;
        this.xMax = xMax;
        this.yMin = yMin;
        this.yMax = yMax;
    }

    public int left() {
        return left;
    }

    public int top() {
        return top;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The clamped x value (a non-finite cost counts as the maximum). */
    public double clampX(double v) {
        return Math.max(xMin, Math.min(xMax, Double.isFinite(v) ? v : xMax));
    }

    /** The pixel column of cost {@code v}, clamped to the range. */
    public double x(double v) {
        return left + Math.log(clampX(v) / xMin) / Math.log(xMax / xMin) * width;
    }

    /** The pixel row of success {@code v}, clamped to the range. */
    public double y(double v) {
        return top + height - (Math.max(yMin, Math.min(yMax, v)) - yMin) / (yMax - yMin) * height;
    }

    /** Shades the goal: cost up to {@code xGoal} and success up to {@code yGoal}. */
    public void shadeGoal(Graphics2D g, double xGoal, double yGoal) {
        g.setColor(GOAL);
        int gy = (int) y(yGoal);
        g.fillRect(left, gy, (int) x(xGoal) - left, top + height - gy);
    }

    /** Vertical grid lines at {@code values}, labelled under the axis. */
    public void xGrid(Graphics2D g, double[] values, DoubleFunction<String> label) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double v : values) {
            int xx = (int) x(v);
            g.setColor(GRID);
            g.drawLine(xx, top, xx, top + height);
            g.setColor(Color.DARK_GRAY);
            String text = label.apply(v);
            g.drawString(text, xx - g.getFontMetrics().stringWidth(text) / 2, top + height + 15);
        }
    }

    /** Horizontal grid lines at a round step over the y range, labelled left of the axis. */
    public void yGrid(Graphics2D g) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        double step = niceStep(yMax - yMin);
        for (double v = Math.ceil(yMin / step) * step; v <= yMax + 1e-9; v += step) {
            int yy = (int) y(v);
            g.setColor(GRID);
            g.drawLine(left, yy, left + width, yy);
            g.setColor(Color.DARK_GRAY);
            String text = String.format(Locale.ROOT, step < 1 ? "%.1f" : "%.0f", v);
            g.drawString(text, left - 6 - g.getFontMetrics().stringWidth(text), yy + 4);
        }
    }

    /** The frame, the bold title above it and the x axis's name under the tick labels. */
    public void frame(Graphics2D g, String title, String xName) {
        g.setColor(Color.BLACK);
        g.drawRect(left, top, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, top - 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(xName, left + (width - g.getFontMetrics().stringWidth(xName)) / 2, top + height + 35);
    }

    /** A step of 1, 2 or 5 times a power of ten giving about eight intervals over {@code range}. */
    public static double niceStep(double range) {
        double raw = range / 8;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }
}

package org.bip324shaper.bench.shape.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * One direction of a trace cut into fixed windows [w * width, (w + 1) * width) from time 0 to the trace's end.
 *
 * @param widthNanos window width
 * @param counts     writes per window
 * @param bytes      bytes per window
 * @param largest    the largest write per window, 0 if none
 * @param sizeBins   the distinct {@link Bins#size} bins written in each window
 */
record Windows(long widthNanos, int[] counts, long[] bytes, long[] largest, List<int[]> sizeBins) {

    static Windows of(ConnectionTrace trace, Direction direction, long widthNanos) {
        int n = count(trace, widthNanos);
        int[] counts = new int[n];
        long[] bytes = new long[n];
        long[] largest = new long[n];
        List<TreeSet<Integer>> bins = new ArrayList<>(n);
        for (int w = 0; w < n; w++) {
            bins.add(new TreeSet<>());
        }
        for (WireWrite write : trace.writes(direction)) {
            int w = (int) (write.timeNanos() / widthNanos);
            counts[w]++;
            bytes[w] += write.bytes();
            largest[w] = Math.max(largest[w], write.bytes());
            bins.get(w).add(Bins.size(write.bytes()));
        }
        List<int[]> sizeBins = new ArrayList<>(n);
        for (TreeSet<Integer> set : bins) {
            sizeBins.add(set.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Windows(widthNanos, counts, bytes, largest, sizeBins);
    }

    /** How many windows cover {@code trace}: up to and including the one holding its last event. */
    static int count(ConnectionTrace trace, long widthNanos) {
        if (widthNanos <= 0) {
            throw new IllegalArgumentException("window width must be > 0, got " + widthNanos);
        }
        long n = trace.durationNanos() / widthNanos + 1;
        if (n > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("trace " + trace.label() + " is too long for " + widthNanos
                    + " ns windows");
        }
        return (int) n;
    }

    int size() {
        return counts.length;
    }

    /**
     * Labels for a detector of events at {@code eventTimes}: 1 for a window holding an event, -1 (not scored) for
     * windows within {@code guard} windows of one (where the event's traffic spills over), 0 otherwise.
     */
    static int[] labels(int windowCount, long widthNanos, long[] eventTimes, int guard) {
        int[] labels = new int[windowCount];
        for (long t : eventTimes) {
            int w = (int) (t / widthNanos);
            if (w >= 0 && w < windowCount) {
                labels[w] = 1;
            }
        }
        for (int w = 0; w < windowCount; w++) {
            if (labels[w] != 1) {
                continue;
            }
            for (int d = -guard; d <= guard; d++) {
                int v = w + d;
                if (v >= 0 && v < windowCount && labels[v] == 0) {
                    labels[v] = -1;
                }
            }
        }
        return labels;
    }
}

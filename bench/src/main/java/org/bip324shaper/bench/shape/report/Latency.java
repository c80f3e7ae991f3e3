package org.bip324shaper.bench.shape.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bip324shaper.bench.shape.sim.Hold;

/**
 * Percentiles of the shaper's holds, per message type and over all messages.
 *
 * @param byType per type: {p50, p99, count}, in milliseconds for the first two
 * @param all    over every message: {p50, p99, count}
 */
record Latency(Map<String, double[]> byType, double[] all) {

    static Latency of(List<Hold> holds) {
        Map<String, List<Long>> grouped = new TreeMap<>();
        List<Long> every = new ArrayList<>(holds.size());
        for (Hold h : holds) {
            grouped.computeIfAbsent(h.type(), k -> new ArrayList<>()).add(h.nanos());
            every.add(h.nanos());
        }
        Map<String, double[]> byType = new TreeMap<>();
        grouped.forEach((type, list) -> byType.put(type, summary(list)));
        return new Latency(byType, summary(every));
    }

    private static double[] summary(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new double[] {percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, sorted.length};
    }

    /** Nearest-rank percentile; NaN for no data. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}

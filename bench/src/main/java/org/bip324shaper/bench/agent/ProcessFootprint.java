package org.bip324shaper.bench.agent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What this process holds, measured: live threads, open file descriptors ({@code /proc/self/fd}) and the live
 * heap from a class histogram ({@code GC.class_histogram} through the DiagnosticCommand MBean, which runs a full
 * GC first, so only reachable objects count).
 *
 * @param threads        live threads
 * @param fds            open file descriptors, or -1 where {@code /proc/self/fd} does not exist
 * @param liveHeapBytes  bytes of reachable objects
 * @param liveObjects    reachable objects
 */
record ProcessFootprint(int threads, long fds, long liveHeapBytes, long liveObjects,
                        java.util.Map<String, Long> bytesByClass) {

    /**
     * @param keepClasses also keep the bytes per class, for {@link #grownSince}; off for a baseline that is
     *                    compared by totals, since the kept map would itself count as growth
     */
    static ProcessFootprint measure(boolean keepClasses) throws IOException {
        String histogram = histogram();
        long[] heap = total(histogram);
        return new ProcessFootprint(ManagementFactory.getThreadMXBean().getThreadCount(), openDescriptors(), heap[1],
                heap[0], keepClasses ? byClass(histogram) : java.util.Map.of());
    }

    /** The classes whose live bytes grew most from {@code before} to this, largest first. */
    java.util.List<String> grownSince(ProcessFootprint before, int limit) {
        return bytesByClass.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit).map(e -> e.getKey() + " +" + e.getValue()).toList();
    }

    /** Histogram rows: {@code num: instances bytes class}. */
    private static java.util.Map<String, Long> byClass(String histogram) {
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (String line : histogram.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":")) {
                bytes.merge(fields[3], Long.parseLong(fields[2]), Long::sum);
            }
        }
        return bytes;
    }

    private static String histogram() throws IOException {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IOException("no class histogram from the DiagnosticCommand MBean", e);
        }
        return histogram;
    }

    /** {instances, bytes} from the histogram's Total line. */
    private static long[] total(String histogram) throws IOException {
        for (String line : histogram.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Total")) {
                String[] fields = trimmed.split("\\s+");
                return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])};
            }
        }
        throw new IOException("class histogram without a Total line");
    }

    private static long openDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count() - 1; // the listing's own descriptor
        }
    }

    @Override
    public String toString() {
        return threads + " threads, " + fds + " fds, live heap " + liveHeapBytes + " bytes in " + liveObjects
                + " objects";
    }
}

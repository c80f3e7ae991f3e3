package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.GenuineMessage;

/**
 * Which ground-truth messages mark a block arrival, and how they become one event per block.
 *
 * <p>A message announces a block if it is a {@code block} or {@code cmpctblock}, or a {@code headers} carrying 1 to
 * {@code maxAnnouncedHeaders} headers (payload 1 + 81n bytes: a varint count, then 80-byte headers each followed by a
 * zero transaction count); a {@code headers} of thousands of headers is sync, not an arrival. Announcements in either
 * direction that follow the previous one by at most {@code mergeGap} belong to the same event (headers in, getdata
 * out, block in), which is stamped with its first announcement.
 *
 * @param mergeGap            announcements closer than this to the previous one extend its event
 * @param maxAnnouncedHeaders the most headers a block announcement carries
 */
public record BlockEventRule(Duration mergeGap, int maxAnnouncedHeaders) {
    /** One minute, 8 headers. */
    public static final BlockEventRule DEFAULT = new BlockEventRule(Duration.ofMinutes(1), 8);

    private static final int HEADER_BYTES = 81;

    public BlockEventRule {
        if (mergeGap == null || mergeGap.isNegative()) {
            throw new IllegalArgumentException("mergeGap must be >= 0, got " + mergeGap);
        }
        if (maxAnnouncedHeaders < 1 || maxAnnouncedHeaders > 252) {
            throw new IllegalArgumentException("maxAnnouncedHeaders must be in 1..252, got " + maxAnnouncedHeaders);
        }
    }

    public boolean announcesBlock(GenuineMessage m) {
        switch (m.type()) {
            case "block":
            case "cmpctblock":
                return true;
            case "headers":
                return m.payloadLength() >= 1 + HEADER_BYTES && m.payloadLength() <= 1 + HEADER_BYTES * maxAnnouncedHeaders;
            default:
                return false;
        }
    }

    /** Start times of the block events in {@code trace}, ascending, in nanoseconds. */
    public long[] eventTimes(ConnectionTrace trace) {
        List<Long> starts = new ArrayList<>();
        long last = Long.MIN_VALUE;
        long gap = mergeGap.toNanos();
        for (GenuineMessage m : trace.messages()) {
            if (!announcesBlock(m)) {
                continue;
            }
            if (last == Long.MIN_VALUE || m.timeNanos() - last > gap) {
                starts.add(m.timeNanos());
            }
            last = m.timeNanos();
        }
        return starts.stream().mapToLong(Long::longValue).toArray();
    }
}

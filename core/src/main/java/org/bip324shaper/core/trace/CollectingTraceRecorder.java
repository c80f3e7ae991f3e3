package org.bip324shaper.core.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * A thread-safe {@link TraceRecorder} that keeps events in memory and turns them into a {@link ConnectionTrace}.
 * Holds at most {@code maxEvents} events and counts the rest as dropped, so a long-lived connection cannot grow it
 * without bound. Message types are {@link TraceFiles#sanitizeType sanitized}: a peer chooses the long types it sends.
 */
public final class CollectingTraceRecorder implements TraceRecorder {
    private final int maxEvents;
    private final List<WireWrite> writes = new ArrayList<>();
    private final List<GenuineMessage> messages = new ArrayList<>();
    private long dropped;
    private long minTime = Long.MAX_VALUE;

    /** Keeps up to {@link TraceFiles#MAX_EVENTS} events. */
    public CollectingTraceRecorder() {
        this(TraceFiles.MAX_EVENTS);
    }

    public CollectingTraceRecorder(int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be >= 1, got " + maxEvents);
        }
        this.maxEvents = maxEvents;
    }

    @Override
    public synchronized void message(long timeNanos, Direction direction, String type, int payloadLength) {
        if (room()) {
            // Monotonic clocks here read >= 0; a negative reading is taken as 0 rather than lost.
            messages.add(new GenuineMessage(Math.max(0, timeNanos), direction, TraceFiles.sanitizeType(type),
                    Math.max(0, payloadLength)));
            minTime = Math.min(minTime, Math.max(0, timeNanos));
        }
    }

    @Override
    public synchronized void write(long timeNanos, Direction direction, int bytes) {
        if (bytes > 0 && room()) {
            writes.add(new WireWrite(Math.max(0, timeNanos), direction, bytes));
            minTime = Math.min(minTime, Math.max(0, timeNanos));
        }
    }

    private boolean room() {
        if (writes.size() + messages.size() < maxEvents) {
            return true;
        }
        dropped++;
        return false;
    }

    /** Events refused because the cap was reached. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Events held. */
    public synchronized int size() {
        return writes.size() + messages.size();
    }

    /** The events so far, times shifted so that the earliest is 0 (a monotonic clock has no meaningful zero). */
    public synchronized ConnectionTrace trace(String label) {
        return trace(label, minTime == Long.MAX_VALUE ? 0 : minTime);
    }

    /**
     * The events so far with {@code originNanos} subtracted from every time, e.g. the clock reading when the
     * connection started.
     *
     * @throws IllegalArgumentException if an event precedes the origin
     */
    public synchronized ConnectionTrace trace(String label, long originNanos) {
        if (minTime != Long.MAX_VALUE && minTime < originNanos) {
            throw new IllegalArgumentException("an event precedes the origin by " + (originNanos - minTime) + " ns");
        }
        List<WireWrite> w = new ArrayList<>(writes.size());
        for (WireWrite x : writes) {
            w.add(new WireWrite(x.timeNanos() - originNanos, x.direction(), x.bytes()));
        }
        List<GenuineMessage> m = new ArrayList<>(messages.size());
        for (GenuineMessage x : messages) {
            m.add(new GenuineMessage(x.timeNanos() - originNanos, x.direction(), x.type(), x.payloadLength()));
        }
        return new ConnectionTrace(label, m, w);
    }
}

package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Drives a {@link TrafficShaper} the way a real driver does, on a fake clock: a FIFO of genuine packets, every
 * deadline ticked on time, every flush turned into writes at its cuts. Records what an observer would see (writes)
 * and what only we know (when each genuine packet was queued and released, decoy bytes).
 */
final class SimulatedDriver {

    /** One write on the wire, and whether a tick (rather than a genuine packet) produced it. */
    record Write(long timeNanos, int bytes, boolean fromTick) {
    }

    /** One genuine packet: when the application queued it and when a flush released it. */
    record Release(long queuedNanos, long releasedNanos, int contentsLength) {
    }

    /** One non-empty flush: when, from a tick or a genuine packet, and the sizes of its writes. */
    record Emitted(long timeNanos, boolean fromTick, List<Integer> writeLengths) {
    }

    private record Queued(long timeNanos, int contentsLength) {
    }

    final FakeClock clock;
    final TrafficShaper shaper;
    final List<Write> writes = new ArrayList<>();
    final List<Release> releases = new ArrayList<>();
    final List<Flush> flushes = new ArrayList<>();
    final List<Emitted> emitted = new ArrayList<>();
    private final ArrayDeque<Queued> fifo = new ArrayDeque<>();
    long decoyWireBytes;
    long tickDecoyWireBytes;
    long genuineWireBytes;
    int ticks;

    SimulatedDriver(TrafficConfig config, long seed, long startNanos) {
        this.clock = new FakeClock(startNanos);
        this.shaper = new TrafficShaper(config, clock, new SplittableRandom(seed));
        shaper.handshake();
    }

    /** Runs every tick due up to {@code timeNanos}, then queues a genuine packet at that time. */
    Flush genuineAt(long timeNanos, int contentsLength) {
        runUntil(timeNanos);
        clock.set(timeNanos);
        fifo.add(new Queued(timeNanos, contentsLength));
        Flush flush = shaper.onGenuine(contentsLength);
        record(flush, false);
        return flush;
    }

    /** Runs every tick due up to {@code timeNanos}, then reports an inbound read at that time. */
    void inboundAt(long timeNanos, int wireBytes) {
        runUntil(timeNanos);
        clock.set(timeNanos);
        shaper.onInbound(wireBytes);
    }

    /** Ticks at every deadline up to and including {@code timeNanos}, exactly on time. */
    void runUntil(long timeNanos) {
        while (shaper.nextDeadlineNanos() <= timeNanos) {
            long deadline = shaper.nextDeadlineNanos();
            assertTrue(deadline >= clock.nanoTime(), "deadlines never lie in the past of the last event");
            clock.set(deadline);
            ticks++;
            record(shaper.onTick(), true);
        }
    }

    int held() {
        return fifo.size();
    }

    private void record(Flush flush, boolean fromTick) {
        flushes.add(flush);
        if (flush.isEmpty()) {
            return;
        }
        long now = clock.nanoTime();
        int total = 0;
        for (WireItem item : flush.items()) {
            if (item instanceof WireItem.Decoy decoy) {
                total += decoy.wireLength();
                decoyWireBytes += decoy.wireLength();
                if (fromTick) {
                    tickDecoyWireBytes += decoy.wireLength();
                }
            } else {
                Queued queued = fifo.removeFirst();
                int wire = queued.contentsLength() + ProtocolLimits.PACKET_OVERHEAD;
                total += wire;
                genuineWireBytes += wire;
                releases.add(new Release(queued.timeNanos(), now, queued.contentsLength()));
            }
        }
        List<Integer> lengths = flush.writeLengths(total);
        emitted.add(new Emitted(now, fromTick, lengths));
        for (int length : lengths) {
            writes.add(new Write(now, length, fromTick));
        }
    }

    /** Total wire size of a flush, given the contents lengths of the genuine packets it releases, in order. */
    static long wireBytes(Flush flush, int... genuineContentsLengths) {
        long total = 0;
        int next = 0;
        for (WireItem item : flush.items()) {
            total += item instanceof WireItem.Decoy d ? d.wireLength()
                    : genuineContentsLengths[next++] + ProtocolLimits.PACKET_OVERHEAD;
        }
        return total;
    }
}

package org.bip324shaper.bench.shape.sim;

import java.util.List;

import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.trace.ConnectionTrace;

/**
 * What one simulated connection produced.
 *
 * @param observed       the wire as our node's driver records it: our writes, the reads of the peer's writes, and the
 *                       genuine messages stamped with the write or read that carried them
 * @param ours           our engine's counters (written = our direction)
 * @param peer           the peer engine's counters
 * @param holds          how long each of our messages waited in the shaper
 * @param simulatedNanos simulated time covered
 * @param unreleased     our messages still held or in flight when the simulation ended
 */
public record Replay(ConnectionTrace observed, TrafficStats.Snapshot ours, TrafficStats.Snapshot peer,
                     List<Hold> holds, long simulatedNanos, int unreleased) {
    public Replay {
        holds = List.copyOf(holds);
    }
}

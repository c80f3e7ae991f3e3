package org.bip324shaper.bench.shape.sim;

import java.util.List;
import org.bip324shaper.bench.shape.attack.Alignment;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

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
 * @param outbound       our writes, each with the messages it carried as the peer's engine decoded them (exact)
 * @param inbound        the peer's writes (our reads), each with the messages our engine decoded from it (exact)
 */
public record Replay(ConnectionTrace observed, TrafficStats.Snapshot ours, TrafficStats.Snapshot peer,
                     List<Hold> holds, long simulatedNanos, int unreleased, Alignment outbound, Alignment inbound) {
    public Replay {
        holds = List.copyOf(holds);
    }

    /** The exact link of one direction. */
    public Alignment alignment(Direction direction) {
        return direction == Direction.OUTBOUND ? outbound : inbound;
    }
}

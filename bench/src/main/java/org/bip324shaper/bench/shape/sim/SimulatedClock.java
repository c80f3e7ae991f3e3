package org.bip324shaper.bench.shape.sim;

import org.bip324shaper.core.shaping.MonotonicClock;

/** Simulated time, moved only by the simulator; never goes back. */
final class SimulatedClock implements MonotonicClock {
    private long now;

    @Override
    public long nanoTime() {
        return now;
    }

    void advanceTo(long nanos) {
        if (nanos < now) {
            throw new IllegalStateException("simulated time cannot go back from " + now + " to " + nanos);
        }
        now = nanos;
    }
}

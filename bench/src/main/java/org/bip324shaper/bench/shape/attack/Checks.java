package org.bip324shaper.bench.shape.attack;

import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/** Argument checks every attacker makes. */
final class Checks {
    private Checks() {
    }

    /** A held-out evaluation needs both sides of the split and a direction. */
    static void requireSplit(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        if (train == null || test == null || train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("need training and test traces");
        }
        if (direction == null) {
            throw new IllegalArgumentException("direction is required");
        }
    }
}

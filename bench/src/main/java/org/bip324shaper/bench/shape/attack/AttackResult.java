package org.bip324shaper.bench.shape.attack;

import org.bip324shaper.core.trace.Direction;

/** What one attacker learned from the held-out traces of one direction. */
public sealed interface AttackResult permits ClassificationResult, DetectionResult {

    /** The {@link Attacker#name()} that produced it. */
    String attacker();

    /** The direction whose writes were attacked. */
    Direction direction();

    /** One line for a report: the headline numbers. */
    String summary();
}

package org.bip324shaper.bench.shape.attack;

import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * A passive observer of one connection: it sees only (time, direction, bytes) of each write, learns on training
 * traces and is scored on held-out ones. Implementations are deterministic given their seed.
 *
 * <p>Train on traces made with the SAME defence as the test traces: an attacker trained on undefended traffic and
 * tested on defended traffic mostly measures the mismatch, and flatters the defence.
 */
public interface Attacker {

    /** A short stable name for reports, e.g. {@code A1-size}. */
    String name();

    /**
     * Trains on {@code train} and scores on {@code test}, attacking the writes of {@code direction}. Ground truth
     * (messages) of the test traces is used only for scoring.
     *
     * @throws IllegalArgumentException if either list is empty, or the traces break the attacker's documented needs
     */
    AttackResult evaluate(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction);
}

package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/** The standard set of attackers, and a one-call way to run them for a report. */
public final class AttackSuite {
    /** The segment lengths A4 is asked about. */
    public static final List<Duration> CORRELATION_SEGMENTS = List.of(
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofMinutes(60), Duration.ofMinutes(120));

    private AttackSuite() {
    }

    /** A1, A2 (on message-carrying writes, then on all writes), A3, A4 at 10/30/60/120 min, A5, with their defaults; deterministic given {@code seed}. */
    public static List<Attacker> standard(WriteLabeler labeler, long seed) {
        List<Attacker> attackers = new ArrayList<>();
        attackers.add(new SizeTypeAttacker(labeler, seed, true));
        attackers.add(new SequenceTypeAttacker(labeler, seed, true));
        attackers.add(new SizeTypeAttacker(labeler, seed, false));
        attackers.add(new SequenceTypeAttacker(labeler, seed, false));
        attackers.add(new BlockWindowAttacker());
        for (Duration segment : CORRELATION_SEGMENTS) {
            attackers.add(new BlockCorrelationAttacker(segment, seed));
        }
        attackers.add(new PingLatticeAttacker(labeler));
        return List.copyOf(attackers);
    }

    /**
     * Runs every attacker on the same split. {@code train} and {@code test} must be made with the same defence and
     * must not share connections.
     */
    public static AttackReport run(String defence, List<Attacker> attackers, List<ConnectionTrace> train,
            List<ConnectionTrace> test, Direction direction) {
        List<AttackResult> results = new ArrayList<>();
        for (Attacker attacker : attackers) {
            results.add(attacker.evaluate(train, test, direction));
        }
        return new AttackReport(defence, direction, results);
    }
}

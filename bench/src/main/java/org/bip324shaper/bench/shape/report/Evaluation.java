package org.bip324shaper.bench.shape.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bip324shaper.bench.shape.attack.Alignment;
import org.bip324shaper.bench.shape.attack.AttackReport;
import org.bip324shaper.bench.shape.attack.AttackResult;
import org.bip324shaper.bench.shape.attack.AttackSuite;
import org.bip324shaper.bench.shape.attack.Attacker;
import org.bip324shaper.bench.shape.attack.ClassificationResult;
import org.bip324shaper.bench.shape.attack.DetectionResult;
import org.bip324shaper.bench.shape.attack.WriteLabeler;
import org.bip324shaper.bench.shape.sim.Hold;
import org.bip324shaper.bench.shape.sim.Replay;
import org.bip324shaper.bench.shape.sim.ReplaySimulator;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * One strategy on one workload: every connection replayed with the strategy on our side and an unmodified Core peer,
 * then the standard attackers trained on the training connections and scored on the held-out ones, each direction.
 *
 * @param strategy   the strategy as given (name or config string)
 * @param workload   the workload's name
 * @param outbound   attacks on our direction
 * @param inbound    attacks on the peer's direction
 * @param cost       our direction's bytes per connection-day
 * @param latency    how long our shaper held our messages
 * @param unreleased our messages still unsent when the simulations ended
 * @param seconds    wall-clock time this evaluation took
 */
record Evaluation(String strategy, String workload, AttackReport outbound, AttackReport inbound, Cost cost,
                  Latency latency, int unreleased, double seconds) {

    /** Replays against an unmodified Core peer and attacks; deterministic given {@code seed}. */
    static Evaluation run(String strategy, TrafficConfig config, Workload workload, long seed) {
        return run(strategy, config, ReplaySimulator.BITCOIN_CORE, workload, seed);
    }

    /** Replays with the peer shaped by {@code peer} and attacks; deterministic given {@code seed}. */
    static Evaluation run(String strategy, TrafficConfig config, TrafficConfig peer, Workload workload, long seed) {
        long start = System.nanoTime();
        List<ConnectionTrace> train = new ArrayList<>();
        List<ConnectionTrace> test = new ArrayList<>();
        List<Hold> holds = new ArrayList<>();
        long[] written = new long[6];
        int unreleased = 0;
        int index = 0;
        Map<String, Map<Direction, Alignment>> links = new HashMap<>();
        for (List<Workload.Connection> part : List.of(workload.train(), workload.test())) {
            for (Workload.Connection c : part) {
                ReplaySimulator.Settings settings = new ReplaySimulator.Settings(config, peer, c.oneWayDelay(),
                        seed * 7919 + index++, true, Duration.ofSeconds(5));
                Replay replay = ReplaySimulator.run(c.messages(), settings);
                (part == workload.train() ? train : test).add(replay.observed());
                if (links.put(replay.observed().label(), Map.of(Direction.OUTBOUND, replay.outbound(),
                        Direction.INBOUND, replay.inbound())) != null) {
                    throw new IllegalArgumentException("two connections of " + workload.name() + " are labelled "
                            + replay.observed().label());
                }
                holds.addAll(replay.holds());
                unreleased += replay.unreleased();
                add(written, replay.ours().written());
            }
        }
        List<Attacker> attackers = AttackSuite.standard(WriteLabeler.recorded(links), seed);
        AttackReport out = AttackSuite.run(strategy, attackers, train, test, Direction.OUTBOUND);
        AttackReport in = AttackSuite.run(strategy, attackers, train, test, Direction.INBOUND);
        TrafficStats.Totals total = new TrafficStats.Totals(written[0], written[1], written[2], written[3],
                written[4], written[5]);
        return new Evaluation(strategy, workload.name(), out, in, Cost.of(total, workload.days()), Latency.of(holds),
                unreleased, (System.nanoTime() - start) / 1e9);
    }

    private static void add(long[] sum, TrafficStats.Totals t) {
        sum[0] += t.genuineBytes();
        sum[1] += t.genuinePackets();
        sum[2] += t.decoyBytes();
        sum[3] += t.decoyPackets();
        sum[4] += t.garbageBytes();
        sum[5] += t.handshakeBytes();
    }

    AttackReport report(Direction d) {
        return d == Direction.OUTBOUND ? outbound : inbound;
    }

    /** A type attacker's accuracy over the majority baseline, in points; NaN if absent. */
    double points(Direction d, String attackerPrefix) {
        for (AttackResult r : report(d).results()) {
            if (r.attacker().startsWith(attackerPrefix) && r instanceof ClassificationResult c) {
                return c.pointsOverBaseline();
            }
        }
        return Double.NaN;
    }

    /** A detector's held-out TPR at its target FPR (best threshold in hindsight); NaN if absent or no data. */
    double tpr(Direction d, String attackerName) {
        for (AttackResult r : report(d).results()) {
            if (r.attacker().equals(attackerName) && r instanceof DetectionResult x) {
                return x.rocTpr();
            }
        }
        return Double.NaN;
    }

    /** The targets for our direction: A1 within 5 points, A3 and A5 at most 5% TPR, at most 10% of RANDOM. */
    boolean meetsTargets() {
        return points(Direction.OUTBOUND, "A1") <= 5 && tpr(Direction.OUTBOUND, "A3-block-window") <= 0.05
                && tpr(Direction.OUTBOUND, "A5-ping-lattice") <= 0.05 && cost.percentOfRandomDecoys() <= 10;
    }
}

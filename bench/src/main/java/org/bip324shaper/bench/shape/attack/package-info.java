/**
 * The attacker harness: what a passive observer of a v2 connection still learns, given only (time, direction, bytes)
 * of each write, and at what confidence.
 *
 * <p>Every {@link org.bip324shaper.bench.shape.attack.Attacker} trains on one list of
 * {@link org.bip324shaper.core.trace.ConnectionTrace}s and is scored on another (held out, same defence), attacking
 * one direction:
 * <ul>
 *   <li>A1 {@link org.bip324shaper.bench.shape.attack.SizeTypeAttacker}: message type from one write's size.</li>
 *   <li>A2 {@link org.bip324shaper.bench.shape.attack.SequenceTypeAttacker}: type from size, neighbours, gaps and
 *       the other direction.</li>
 *   <li>A3 {@link org.bip324shaper.bench.shape.attack.BlockWindowAttacker}: which 10 s windows hold a block
 *       arrival.</li>
 *   <li>A4 {@link org.bip324shaper.bench.shape.attack.BlockCorrelationAttacker}: does a stretch of length T follow
 *       the public block schedule or a decoy one.</li>
 *   <li>A5 {@link org.bip324shaper.bench.shape.attack.PingLatticeAttacker}: which 1 s windows hold a ping/pong, from
 *       the 120 s lattice.</li>
 * </ul>
 * Type attacks give a {@link org.bip324shaper.bench.shape.attack.ClassificationResult} (accuracy vs the majority
 * baseline, macro-F1, mutual information vs entropy); detectors a
 * {@link org.bip324shaper.bench.shape.attack.DetectionResult} (TPR at 1% FPR, AUC).
 *
 * <p>Ground truth comes from the traces' genuine messages. Which write carried which message is decided by a
 * {@link org.bip324shaper.bench.shape.attack.WriteLabeler}: producers (the simulator) should stamp each message with
 * the time of the write that carried it, and use {@code WriteLabeler.sameInstant()}.
 *
 * <p>Typical use by a report command:
 * <pre>{@code
 * List<Attacker> attackers = AttackSuite.standard(WriteLabeler.sameInstant(), seed);
 * AttackReport report = AttackSuite.run("bucketed:floor=128", attackers, train, test, Direction.OUTBOUND);
 * System.out.print(report.markdown());
 * }</pre>
 */
package org.bip324shaper.bench.shape.attack;

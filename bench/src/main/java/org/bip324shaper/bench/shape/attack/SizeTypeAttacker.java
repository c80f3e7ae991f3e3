package org.bip324shaper.bench.shape.attack;

import java.util.List;
import java.util.Objects;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * A1: names each write's message type from its size alone.
 *
 * <p>Model: a size histogram per type ({@link Bins#size}: exact bytes up to 512, then 64 bins per octave) learned
 * from the training writes; a write gets the type most often seen at its size bin (naive Bayes with one feature and
 * light smoothing), a size never seen takes the nearest size that was. Assumes: one write is one observation (packets
 * written together are indistinguishable), and labels come from the {@link WriteLabeler}.
 */
public final class SizeTypeAttacker implements Attacker {
    /** Light smoothing: with one feature, per-bin majority is what we want; alpha only breaks 0/0. */
    private static final double ALPHA = 0.01;

    private final WriteLabeler labeler;
    private final long seed;
    private final TypeClassification.Scope scope;

    /**
     * @param labeler how writes get their true types
     * @param seed    for the shuffles that measure the mutual-information bias
     */
    public SizeTypeAttacker(WriteLabeler labeler, long seed) {
        this(labeler, seed, false);
    }

    /**
     * @param carryingOnly train and score only on writes that carry a genuine message (named {@code A1-size}); else on
     *                     every write, decoy-only ones labelled {@code (none)} (named {@code A1-size-all-writes})
     */
    public SizeTypeAttacker(WriteLabeler labeler, long seed, boolean carryingOnly) {
        this.labeler = Objects.requireNonNull(labeler, "labeler");
        this.seed = seed;
        this.scope = carryingOnly ? TypeClassification.Scope.CARRYING : TypeClassification.Scope.ALL_WRITES;
    }

    @Override
    public String name() {
        return scope == TypeClassification.Scope.CARRYING ? "A1-size" : "A1-size-all-writes";
    }

    @Override
    public ClassificationResult evaluate(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        TypeClassification.Features size = new TypeClassification.Features() {
            @Override
            public int count() {
                return 1;
            }

            @Override
            public int[] of(TypeClassification.DirectionView view, int index) {
                return new int[] {Bins.size(view.write(index).bytes())};
            }
        };
        return TypeClassification.run(name(), labeler, scope, size, ALPHA, seed, train, test, direction);
    }
}

package org.bip324shaper.bench.shape.attack;

import java.util.List;
import java.util.Objects;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A2: names each write's message type from its size and its neighbourhood, the way request/response and bursts give
 * types away (a pong follows the peer's ping, a getdata answer follows the peer's getdata, a block follows a headers).
 *
 * <p>Features (all binned by {@link Bins}): the write's size; the previous and next same-direction writes' sizes
 * and gaps; the latest other-direction write's size and the gap since it (the observer sees both directions, and
 * the peer's direction is not ours to shape). Model: naive Bayes over these seven features. Assumes the same as
 * {@link SizeTypeAttacker} and that the whole trace is available (offline: "next" is allowed).
 */
public final class SequenceTypeAttacker implements Attacker {
    private static final double ALPHA = 0.1;
    private static final int FEATURES = 7;

    private final WriteLabeler labeler;
    private final long seed;
    private final TypeClassification.Scope scope;

    /**
     * @param labeler how writes get their true types
     * @param seed    for the shuffles that measure the mutual-information bias
     */
    public SequenceTypeAttacker(WriteLabeler labeler, long seed) {
        this(labeler, seed, false);
    }

    /**
     * @param carryingOnly train and score only on writes that carry a genuine message (named {@code A2-sequence}); else on
     *                     every write, decoy-only ones labelled {@code (none)} (named {@code A2-sequence-all-writes})
     */
    public SequenceTypeAttacker(WriteLabeler labeler, long seed, boolean carryingOnly) {
        this.labeler = Objects.requireNonNull(labeler, "labeler");
        this.seed = seed;
        this.scope = carryingOnly ? TypeClassification.Scope.CARRYING : TypeClassification.Scope.ALL_WRITES;
    }

    @Override
    public String name() {
        return scope == TypeClassification.Scope.CARRYING ? "A2-sequence" : "A2-sequence-all-writes";
    }

    @Override
    public ClassificationResult evaluate(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        TypeClassification.Features neighbourhood = new TypeClassification.Features() {
            @Override
            public int count() {
                return FEATURES;
            }

            @Override
            public int[] of(TypeClassification.DirectionView view, int i) {
                return features(view, i);
            }
        };
        return TypeClassification.run(name(), labeler, scope, neighbourhood, ALPHA, seed, train, test, direction);
    }

    static int[] features(TypeClassification.DirectionView view, int i) {
        WireWrite w = view.write(i);
        int n = view.writes().size();
        WireWrite prev = i > 0 ? view.write(i - 1) : null;
        WireWrite next = i + 1 < n ? view.write(i + 1) : null;
        int o = view.lastOppositeAtOrBefore(w.timeNanos());
        WireWrite other = o >= 0 ? view.opposite().get(o) : null;
        return new int[] {
            Bins.size(w.bytes()),
            prev == null ? Bins.ABSENT : Bins.size(prev.bytes()),
            next == null ? Bins.ABSENT : Bins.size(next.bytes()),
            prev == null ? Bins.ABSENT : Bins.gap(w.timeNanos() - prev.timeNanos()),
            next == null ? Bins.ABSENT : Bins.gap(next.timeNanos() - w.timeNanos()),
            other == null ? Bins.ABSENT : Bins.size(other.bytes()),
            other == null ? Bins.ABSENT : Bins.gap(w.timeNanos() - other.timeNanos()),
        };
    }
}

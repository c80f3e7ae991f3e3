package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * A3: finds the time windows in which a block arrived, from the attacked direction's writes alone.
 *
 * <p>Each window (default 10 s) is scored by {@link BlockWindowModel} (naive Bayes over the window's volume, largest
 * write, neighbours' volume and the write sizes it holds), trained on the training traces' windows. Positives are
 * held-out windows holding the start of a block event ({@link BlockEventRule}); negatives are the other windows,
 * except the one on either side of a block window (a burst may straddle the edge). Reports TPR at {@code targetFpr}.
 */
public final class BlockWindowAttacker implements Attacker {
    private final Duration window;
    private final BlockEventRule rule;
    private final double targetFpr;

    /** 10 s windows, the default rule, 1% FPR. */
    public BlockWindowAttacker() {
        this(Duration.ofSeconds(10), BlockEventRule.DEFAULT, 0.01);
    }

    public BlockWindowAttacker(Duration window, BlockEventRule rule, double targetFpr) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be > 0, got " + window);
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("target FPR must be in (0, 1), got " + targetFpr);
        }
        this.window = window;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.targetFpr = targetFpr;
    }

    @Override
    public String name() {
        return "A3-block-window";
    }

    @Override
    public DetectionResult evaluate(List<ConnectionTrace> train, List<ConnectionTrace> test, Direction direction) {
        Checks.requireSplit(train, test, direction);
        BlockWindowModel model = BlockWindowModel.train(train, direction, window.toNanos(), rule);
        return DetectionResult.of(name(), direction, targetFpr, model.labelledScores(train, rule),
                model.labelledScores(test, rule), window.toSeconds() + " s windows with a block event vs without");
    }
}

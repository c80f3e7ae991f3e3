package org.bip324shaper.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * When a capture's wallet events happen: exponential gaps (mean {@code meanGap}, seeded), each a payment, a block
 * paying the wallet or a block paying someone else, in the proportions of the shared captures (35, 19 and 15 of 69).
 */
public record WireSchedule(long seed, Duration meanGap) {
    static final double PAY_SHARE = 0.5;
    static final double RECEIVE_SHARE = 0.28;

    public WireSchedule {
        if (meanGap.isNegative() || meanGap.isZero()) {
            throw new IllegalArgumentException("the mean gap must be positive");
        }
    }

    public static WireSchedule standard(long seed) {
        return new WireSchedule(seed, Duration.ofSeconds(40));
    }

    /** One planned event, {@code offset} after {@code ready}. */
    public record Planned(Duration offset, CaptureEvents.Kind kind) {
    }

    /** The events that fall within {@code length} after {@code ready}, in time order. */
    public List<Planned> plan(Duration length) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Planned> plan = new ArrayList<>();
        double mean = meanGap.toNanos();
        long t = 0;
        while (true) {
            t += (long) (-mean * Math.log(1 - random.nextDouble()));
            if (t >= length.toNanos()) {
                return plan;
            }
            double u = random.nextDouble();
            CaptureEvents.Kind kind = u < PAY_SHARE ? CaptureEvents.Kind.PAY
                    : u < PAY_SHARE + RECEIVE_SHARE ? CaptureEvents.Kind.BLOCK_TO_US : CaptureEvents.Kind.BLOCK;
            plan.add(new Planned(Duration.ofNanos(t), kind));
        }
    }
}

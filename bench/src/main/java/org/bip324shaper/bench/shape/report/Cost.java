package org.bip324shaper.bench.shape.report;

import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.RandomDecoys;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * What a strategy spent in our direction, per connection and day of simulated time.
 *
 * @param writtenPerDay  all bytes we wrote
 * @param genuinePerDay  bytes of genuine packets among them
 * @param overheadPerDay everything else: decoys, garbage, handshake
 */
record Cost(double writtenPerDay, double genuinePerDay, double overheadPerDay) {
    /** What RANDOM decoys alone spend per day: a decoy of 1..1024 contents bytes + 20 with p = 0.15 every 100 ms. */
    static final double RANDOM_DECOYS_PER_DAY = randomDecoysPerDay();

    static Cost of(TrafficStats.Totals written, double days) {
        return new Cost(written.totalBytes() / days, written.genuineBytes() / days, written.overheadBytes() / days);
    }

    /** Overhead over genuine bytes, in percent. */
    double overheadPercent() {
        return genuinePerDay == 0 ? Double.NaN : 100 * overheadPerDay / genuinePerDay;
    }

    /** Overhead as a percentage of what RANDOM decoys spend. */
    double percentOfRandomDecoys() {
        return 100 * overheadPerDay / RANDOM_DECOYS_PER_DAY;
    }

    Cost plus(Cost other) {
        return new Cost(writtenPerDay + other.writtenPerDay, genuinePerDay + other.genuinePerDay,
                overheadPerDay + other.overheadPerDay);
    }

    private static double randomDecoysPerDay() {
        RandomDecoys r = (RandomDecoys) DecoyStrategy.RANDOM;
        double ticks = 86_400e9 / r.interval().toNanos();
        return ticks * r.probability() * (ProtocolLimits.PACKET_OVERHEAD + (r.minDecoyLength() + r.maxDecoyLength())
                / 2.0);
    }
}

package org.bip324shaper.bench.shape.report;

import java.time.Duration;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;

/**
 * A genuine workload to run every strategy on: training and held-out connections (never the same connection), each
 * with the one-way delay to simulate it with.
 *
 * @param name  short name for tables, e.g. {@code relay}
 * @param about one line on where it comes from
 * @param train connections the attackers learn on
 * @param test  held-out connections they are scored on
 */
record Workload(String name, String about, List<Connection> train, List<Connection> test) {
    Workload {
        train = List.copyOf(train);
        test = List.copyOf(test);
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("workload " + name + " needs training and test connections");
        }
    }

    /** One connection's genuine messages and its network delay. */
    record Connection(ConnectionTrace messages, Duration oneWayDelay) {
    }

    /** Simulated days of all connections, for per-day costs. */
    double days() {
        double nanos = 0;
        for (List<Connection> list : List.of(train, test)) {
            for (Connection c : list) {
                nanos += c.messages().durationNanos();
            }
        }
        return nanos / Duration.ofDays(1).toNanos();
    }
}

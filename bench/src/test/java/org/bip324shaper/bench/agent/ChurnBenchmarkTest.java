package org.bip324shaper.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bip324shaper.bench.agent.FaultyPeers.Fault;
import org.junit.jupiter.api.Test;

/**
 * The short churn run for CI: 100 wallet connections through the bridge, 50 at a time, every fault in the mix. It
 * fails on any wrong outcome, missed deadline, unbalanced log line, or thread, descriptor or live-heap growth.
 */
class ChurnBenchmarkTest {

    @Test
    void hundredConnectionsWithFaultsLeaveNothingBehind() throws Exception {
        ChurnBenchmark.Result result = ChurnBenchmark.run(ChurnBenchmark.Settings.of(100, 50));
        System.out.print(result.report());
        assertTrue(result.problems().isEmpty(), result.report());
        assertEquals(100, result.logChecked());
        for (Fault fault : Fault.values()) {
            assertTrue(result.millis().get(fault).length >= 100 / Fault.values().length, fault.name());
        }
    }
}

package org.bip324shaper.it.bench;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When bitcoind first accepted each transaction into its memory pool, from its debug.log run with
 * {@code -debug=mempool -logtimemicros=1}: lines such as
 * {@code 2026-12-03T18:01:02.345678Z [msghand] AcceptToMemoryPool: peer=0: accepted <txid> (wtxid=...) ...}.
 */
public final class NodeMempoolLog {
    private static final Pattern ACCEPTED = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z) .*AcceptToMemoryPool: peer=\\d+: accepted ([0-9a-f]{64})");

    private NodeMempoolLog() {
    }

    /** txid to the first acceptance time. */
    public static Map<String, Instant> firstAccepted(String debugLog) {
        Map<String, Instant> first = new HashMap<>();
        for (String line : debugLog.split("\n")) {
            Matcher m = ACCEPTED.matcher(line);
            if (m.find()) {
                first.putIfAbsent(m.group(2), Instant.parse(m.group(1)));
            }
        }
        return first;
    }
}

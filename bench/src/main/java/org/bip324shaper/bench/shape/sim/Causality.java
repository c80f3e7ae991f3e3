package org.bip324shaper.bench.shape.sim;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bip324shaper.core.trace.GenuineMessage;

/**
 * Which genuine messages answer which: a workload has fixed times, but when a shaper holds a request, its answer
 * comes later too. For each message that is an answer, {@link #requests} finds the request it answers: the latest
 * message of a requesting type from the other side at most {@link #WINDOW} earlier.
 *
 * <ul>
 *   <li>pong answers ping; getdata answers inv or headers; tx, block, cmpctblock, merkleblock and notfound answer
 *       getdata;
 *       getblocktxn answers cmpctblock; blocktxn answers getblocktxn; headers answers getheaders; a large addrv2
 *       (over 1000 bytes) answers getaddr; version, wtxidrelay, sendaddrv2 and verack answer version.</li>
 * </ul>
 * A heuristic: a high-bandwidth cmpctblock that happens to follow a getdata for transactions is taken for its
 * answer, and announcements that follow a getheaders by chance likewise; both are rare and only move a message by
 * the hold of its supposed request.
 */
final class Causality {
    /** How far back an answer looks for its request (the peer delays getdata to inbound peers by 2 s). */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private static final Map<String, Set<String>> REQUESTS = Map.ofEntries(
            Map.entry("pong", Set.of("ping")),
            Map.entry("getdata", Set.of("inv", "headers")),
            Map.entry("tx", Set.of("getdata")),
            Map.entry("block", Set.of("getdata")),
            Map.entry("cmpctblock", Set.of("getdata")),
            Map.entry("merkleblock", Set.of("getdata")),
            Map.entry("notfound", Set.of("getdata")),
            Map.entry("getblocktxn", Set.of("cmpctblock")),
            Map.entry("blocktxn", Set.of("getblocktxn")),
            Map.entry("headers", Set.of("getheaders")),
            Map.entry("addrv2", Set.of("getaddr")),
            Map.entry("version", Set.of("version")),
            Map.entry("wtxidrelay", Set.of("version")),
            Map.entry("sendaddrv2", Set.of("version")),
            Map.entry("verack", Set.of("version")));

    private Causality() {
    }

    /**
     * For each message (in the given order, which must be by time), the index of the request it answers, or -1.
     */
    static int[] requests(List<GenuineMessage> messages) {
        int[] request = new int[messages.size()];
        long window = WINDOW.toNanos();
        for (int i = 0; i < messages.size(); i++) {
            request[i] = -1;
            GenuineMessage m = messages.get(i);
            Set<String> askers = REQUESTS.get(m.type());
            if (askers == null || (m.type().equals("addrv2") && m.payloadLength() <= 1000)) {
                continue;
            }
            for (int j = i - 1; j >= 0; j--) {
                GenuineMessage q = messages.get(j);
                if (m.timeNanos() - q.timeNanos() > window) {
                    break;
                }
                if (q.direction() != m.direction() && askers.contains(q.type())) {
                    request[i] = j;
                    break;
                }
            }
        }
        return request;
    }
}

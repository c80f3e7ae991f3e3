package org.bip324shaper.bench.shape.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.bip324shaper.bench.shape.attack.Alignment;
import org.bip324shaper.bench.shape.attack.BlockEventRule;
import org.bip324shaper.bench.shape.attack.WriteLabeler;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;
import org.junit.jupiter.api.Test;

class UndefendedV2LabellerTest {
    private static final long SECOND = 1_000_000_000L;

    private static ConnectionTrace mainnet() throws IOException {
        return UndefendedV2Labeller.label(PcapImporter.read(SharedCaptures.MAINNET).get(0));
    }

    private static Map<String, Long> counts(ConnectionTrace t, Direction d) {
        return t.messages(d).stream().collect(Collectors.groupingBy(GenuineMessage::type, TreeMap::new,
                Collectors.counting()));
    }

    @Test
    void handshakeCaptureGetsTheCoreSequence() throws IOException {
        ConnectionTrace t = UndefendedV2Labeller.label(PcapImporter.read(SharedCaptures.HANDSHAKE).get(0));
        List<String> ours = t.messages(Direction.OUTBOUND).stream().map(GenuineMessage::type).toList();
        List<String> theirs = t.messages(Direction.INBOUND).stream().map(GenuineMessage::type).toList();
        assertEquals(List.of("version", "wtxidrelay", "sendaddrv2", "verack", "getaddr", "sendcmpct"),
                ours.subList(0, 6));
        assertEquals(List.of("version", "wtxidrelay", "sendaddrv2", "verack", "sendcmpct"), theirs.subList(0, 5));
        GenuineMessage version = t.messages(Direction.INBOUND).get(0);
        assertEquals(102, version.payloadLength(), "Core 28.1's version: 102 bytes with /Satoshi:28.1.0/");
        assertTrue(ours.contains("getheaders") && theirs.contains("getheaders"));
        // The getaddr reply: one ~17 KB addrv2 made of three segments.
        GenuineMessage reply = t.messages(Direction.INBOUND).stream().filter(m -> m.type().equals("addrv2"))
                .findFirst().orElseThrow();
        assertEquals(7240 + 7240 + 2490 - 21, reply.payloadLength());
        // The handshake's own writes carry no message.
        assertEquals(0, t.messages().stream().filter(m -> m.timeNanos() == t.writes().get(0).timeNanos()).count());
    }

    @Test
    void mainnetCaptureHas29BlocksAndAPingLatticeEachWay() throws IOException {
        ConnectionTrace t = mainnet();
        Map<String, Long> in = counts(t, Direction.INBOUND);
        Map<String, Long> out = counts(t, Direction.OUTBOUND);
        assertEquals(29, t.messages(Direction.INBOUND).stream()
                .filter(m -> m.type().equals("headers") && m.payloadLength() == 82).count());
        for (Map<String, Long> side : List.of(in, out)) {
            long pings = side.getOrDefault("ping", 0L);
            long pongs = side.getOrDefault("pong", 0L);
            assertTrue(pings >= 80 && pings <= 86, "pings " + side);
            assertTrue(pongs >= 80 && pongs <= 86, "pongs " + side);
        }
        // The two block transfers the capture holds come right after their headers.
        assertEquals(2, in.getOrDefault("cmpctblock", 0L) + in.getOrDefault("block", 0L), in.toString());
        // Most remaining traffic is address gossip; unknown sizes stay a small minority.
        long total = t.messages().size();
        long unknown = in.getOrDefault("unknown", 0L) + out.getOrDefault("unknown", 0L);
        assertTrue(unknown <= 0.1 * total, "unknown " + unknown + " of " + total + ": in " + in + " out " + out);
        // Block events as the attackers see them: 29 announcements, merged when less than a minute apart.
        long[] events = BlockEventRule.DEFAULT.eventTimes(t);
        assertTrue(events.length >= 25 && events.length <= 29, "events " + events.length);
    }

    @Test
    void labelsAlignWithTheirWritesForTheAttackers() throws IOException {
        ConnectionTrace t = mainnet();
        for (Direction d : Direction.values()) {
            Alignment a = WriteLabeler.sameInstant().align(t, d);
            assertEquals(0, a.unalignedMessages());
            long labelled = a.writes().stream().filter(w -> !w.messages().isEmpty()).count();
            assertEquals(t.messages(d).size(), labelled, "one message per write, except bulk runs");
        }
    }

    @Test
    void rulesOnHandMadeSizes() {
        List<WireWrite> writes = List.of(
                new WireWrite(0, Direction.INBOUND, 29), // ping from them
                new WireWrite(SECOND / 20, Direction.OUTBOUND, 29), // our pong
                new WireWrite(10 * SECOND, Direction.OUTBOUND, 29), // never answered: feefilter
                new WireWrite(20 * SECOND, Direction.INBOUND, 103 + 81), // headers with 2
                new WireWrite(30 * SECOND, Direction.INBOUND, 22 + 36 * 3), // inv of 3
                new WireWrite(31 * SECOND, Direction.OUTBOUND, 22 + 36 * 2), // getdata of 2
                new WireWrite(40 * SECOND, Direction.OUTBOUND, 21 + 1 + 15 + 27), // addrv2 IPv4 + IPv6
                new WireWrite(50 * SECOND, Direction.OUTBOUND, 58 + 32 * 30), // getheaders, 30 hashes
                new WireWrite(60 * SECOND, Direction.INBOUND, 103), // block announcement
                new WireWrite(60 * SECOND + 1, Direction.INBOUND, 1448),
                new WireWrite(60 * SECOND + 2, Direction.INBOUND, 1448),
                new WireWrite(60 * SECOND + 3, Direction.INBOUND, 500), // end of the block's segments
                new WireWrite(60 * SECOND + 4, Direction.INBOUND, 29), // not part of it (previous was small)
                new WireWrite(70 * SECOND, Direction.INBOUND, 26)); // nothing fits
        ConnectionTrace t = UndefendedV2Labeller.label(new ConnectionTrace("hand", List.of(), writes), false,
                Direction.OUTBOUND);
        List<String> types = t.messages().stream().map(GenuineMessage::type).toList();
        assertEquals(List.of("ping", "pong", "feefilter", "headers", "inv", "getdata", "addrv2", "getheaders",
                "headers", "cmpctblock", "feefilter", "unknown"), types);
        GenuineMessage block = t.messages().get(9);
        assertEquals(1448 + 1448 + 500 - 21, block.payloadLength());
    }
}

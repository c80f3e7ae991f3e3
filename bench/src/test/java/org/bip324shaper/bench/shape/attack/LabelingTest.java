package org.bip324shaper.bench.shape.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;
import org.junit.jupiter.api.Test;

class LabelingTest {
    private static final Direction OUT = Direction.OUTBOUND;

    private static GenuineMessage msg(long t, String type, int payload) {
        return new GenuineMessage(t, OUT, type, payload);
    }

    private static WireWrite write(long t, int bytes) {
        return new WireWrite(t, OUT, bytes);
    }

    private static List<String> labels(Alignment a) {
        return a.writes().stream().map(LabeledWrite::label).toList();
    }

    @Test
    void wireBytesFollowTheTypeEncoding() {
        assertEquals(29, LabeledWrite.wireBytes(msg(0, "ping", 8)));
        assertEquals(103, LabeledWrite.wireBytes(msg(0, "headers", 82)));
        // No short ID: 12-byte type + 1 marker byte.
        assertEquals(45, LabeledWrite.wireBytes(msg(0, "sendtxrcncl", 12)));
    }

    @Test
    void labelIsTheLargestMessageOrNone() {
        WireWrite w = write(0, 2000);
        assertEquals(LabeledWrite.NO_MESSAGE, new LabeledWrite(w, List.of()).label());
        assertEquals("tx", new LabeledWrite(w, List.of(msg(0, "inv", 37), msg(0, "tx", 300), msg(0, "ping", 8)))
                .label());
        assertEquals("inv", new LabeledWrite(w, List.of(msg(0, "inv", 37), msg(0, "getdata", 37))).label());
    }

    @Test
    void sameInstantFillsWritesOfOneInstantByRoom() {
        ConnectionTrace trace = new ConnectionTrace("t",
                List.of(msg(1, "ping", 8), msg(2, "inv", 37), msg(2, "tx", 300), msg(3, "pong", 8)),
                List.of(write(1, 100), write(2, 50), write(2, 500), write(3, 29), write(4, 64),
                        new WireWrite(3, Direction.INBOUND, 29)));
        Alignment a = WriteLabeler.sameInstant().align(trace, OUT);
        // The 58-byte inv does not fit the 50-byte write; the tx follows it (FIFO) into the 500-byte one.
        assertEquals(List.of("ping", LabeledWrite.NO_MESSAGE, "tx", "pong", LabeledWrite.NO_MESSAGE), labels(a));
        assertEquals(2, a.writes().get(2).messages().size());
        assertEquals(0, a.unalignedMessages());
    }

    @Test
    void sameInstantOverflowsToTheLastWriteOfTheInstant() {
        ConnectionTrace trace = new ConnectionTrace("t", List.of(msg(5, "block", 1_000_000)),
                List.of(write(5, 100), write(5, 200)));
        assertEquals(List.of(LabeledWrite.NO_MESSAGE, "block"), labels(WriteLabeler.sameInstant().align(trace, OUT)));
    }

    @Test
    void sameInstantRefusesAMessageWithoutItsWrite() {
        ConnectionTrace trace = new ConnectionTrace("held", List.of(msg(1, "ping", 8)), List.of(write(2, 100)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteLabeler.sameInstant().align(trace, OUT));
        assertTrue(e.getMessage().contains("held") && e.getMessage().contains("1 of 1"), e.getMessage());
    }

    @Test
    void carrierTakesTheFirstLaterWriteWithRoomInFifoOrder() {
        ConnectionTrace trace = new ConnectionTrace("t",
                List.of(msg(0, "tx", 279), msg(1, "ping", 8)),
                List.of(write(2, 50), write(3, 400), write(4, 29)));
        Alignment a = WriteLabeler.carrier(Duration.ofNanos(10)).align(trace, OUT);
        // The 300-byte tx skips the 50-byte write; the ping may not overtake it, and fits beside it.
        assertEquals(List.of(LabeledWrite.NO_MESSAGE, "tx", LabeledWrite.NO_MESSAGE), labels(a));
        assertEquals(2, a.writes().get(1).messages().size());
        assertEquals(0, a.unalignedMessages());
    }

    @Test
    void carrierCountsMessagesHeldTooLong() {
        ConnectionTrace trace = new ConnectionTrace("t", List.of(msg(0, "ping", 8)), List.of(write(5, 10),
                write(6, 100)));
        assertEquals(List.of(LabeledWrite.NO_MESSAGE, "ping"),
                labels(WriteLabeler.carrier(Duration.ofNanos(6)).align(trace, OUT)));
        Alignment tooShort = WriteLabeler.carrier(Duration.ofNanos(5)).align(trace, OUT);
        assertEquals(1, tooShort.unalignedMessages());
        assertEquals(List.of(LabeledWrite.NO_MESSAGE, LabeledWrite.NO_MESSAGE), labels(tooShort));
        assertThrows(IllegalArgumentException.class, () -> WriteLabeler.carrier(Duration.ofNanos(-1)));
    }

    @Test
    void blockRuleKeepsAnnouncementsAndMergesOneBlocksMessages() {
        BlockEventRule rule = BlockEventRule.DEFAULT;
        assertTrue(rule.announcesBlock(msg(0, "headers", 82)));
        assertTrue(rule.announcesBlock(msg(0, "headers", 1 + 81 * 8)));
        assertTrue(!rule.announcesBlock(msg(0, "headers", 1 + 81 * 9)));
        assertTrue(!rule.announcesBlock(msg(0, "headers", 1)));
        assertTrue(rule.announcesBlock(msg(0, "cmpctblock", 15_000)));
        assertTrue(!rule.announcesBlock(msg(0, "inv", 37)));
        long s = 1_000_000_000L;
        ConnectionTrace trace = new ConnectionTrace("t", List.of(
                msg(10 * s, "headers", 82),
                new GenuineMessage(10 * s + 5, Direction.INBOUND, "headers", 82),
                msg(11 * s, "getdata", 37),
                msg(12 * s, "block", 900_000),
                msg(600 * s, "headers", 82),
                msg(700 * s, "headers", 1 + 81 * 2000)), List.of());
        assertArrayEquals(new long[] {10 * s, 600 * s}, rule.eventTimes(trace));
        assertThrows(IllegalArgumentException.class, () -> new BlockEventRule(Duration.ofSeconds(1), 0));
    }

    @Test
    void windowLabelsGuardTheNeighbours() {
        int[] labels = Windows.labels(6, 10, new long[] {25, 26}, 1);
        assertArrayEquals(new int[] {0, -1, 1, -1, 0, 0}, labels);
    }
}

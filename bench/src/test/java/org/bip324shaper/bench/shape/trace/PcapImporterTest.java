package org.bip324shaper.bench.shape.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;
import org.junit.jupiter.api.Test;

/** Facts of the two real captures (see /work/shared/traces/README.md), and synthetic pcaps for the formats. */
class PcapImporterTest {
    private static final long SECOND = 1_000_000_000L;

    private static List<Integer> sizes(ConnectionTrace t, Direction d) {
        return t.writes(d).stream().map(WireWrite::bytes).toList();
    }

    @Test
    void mainnetCaptureIsOneConnectionOf166MinutesWithTheListenerByPort() throws IOException {
        List<CapturedConnection> all = PcapImporter.read(SharedCaptures.MAINNET);
        assertEquals(1, all.size());
        CapturedConnection c = all.get(0);
        assertEquals("68.183.7.14:8333", c.listener());
        assertEquals("68.183.7.243:57172", c.connector());
        assertEquals(CapturedConnection.ListenerRule.BITCOIN_PORT, c.listenerRule());
        assertFalse(c.sawSyn(), "the capture starts mid-connection");
        // 1,250 packets, 632 of them with payload, of which 4 repeat a 29-byte segment's sequence range.
        assertEquals(632, c.segments() + c.retransmissions());
        assertEquals(4, c.retransmissions());
        double minutes = c.trace().durationNanos() / 60e9;
        assertTrue(minutes > 165 && minutes < 167, "about 166 minutes, was " + minutes);
    }

    @Test
    void everyBlockIsOne103ByteSegmentFromTheListener() throws IOException {
        ConnectionTrace t = PcapImporter.read(SharedCaptures.MAINNET).get(0).trace();
        // 29 blocks, each a headers message with one header: 1 + 80 + 1 payload + 21.
        assertEquals(29, sizes(t, Direction.INBOUND).stream().filter(s -> s == 103).count());
        assertEquals(0, sizes(t, Direction.OUTBOUND).stream().filter(s -> s == 103).count());
    }

    @Test
    void pingsAndPongsAre29ByteSegmentsEvery120Seconds() throws IOException {
        ConnectionTrace t = PcapImporter.read(SharedCaptures.MAINNET).get(0).trace();
        for (Direction d : Direction.values()) {
            List<Long> times = t.writes(d).stream().filter(w -> w.bytes() == 29).map(WireWrite::timeNanos).toList();
            // Core's timer: one ping each way every 120 s, answered at once, so 29-byte segments come in clusters
            // (this side's ping, its pong to the other's ping) 120 s apart; the timer re-arms when a ping goes out,
            // so the lattice drifts by up to ~100 ms a period and is checked gap by gap.
            List<Long> clusters = new java.util.ArrayList<>();
            for (long x : times) {
                if (clusters.isEmpty() || x - clusters.get(clusters.size() - 1) > 5 * SECOND) {
                    clusters.add(x);
                }
            }
            int regular = 0;
            for (int i = 1; i < clusters.size(); i++) {
                long gap = clusters.get(i) - clusters.get(i - 1);
                if (gap >= 119 * SECOND && gap <= 122 * SECOND) {
                    regular++;
                }
            }
            // 166 min / 2 min = 83 lattice points.
            assertTrue(clusters.size() >= 80 && clusters.size() <= 86, d + ": " + clusters.size() + " clusters");
            assertTrue(regular >= 0.9 * (clusters.size() - 1), d + ": " + regular + " regular gaps of "
                    + (clusters.size() - 1));
            assertTrue(times.size() >= 2 * 80, d + ": " + times.size() + " 29-byte segments");
        }
    }

    @Test
    void handshakeCaptureShowsTheSynTheKeysAndTheFixedTail() throws IOException {
        List<CapturedConnection> all = PcapImporter.read(SharedCaptures.HANDSHAKE);
        assertEquals(1, all.size());
        CapturedConnection c = all.get(0);
        assertTrue(c.sawSyn());
        assertEquals(CapturedConnection.ListenerRule.SYN, c.listenerRule());
        assertEquals("68.183.7.243:52226", c.connector());
        List<Integer> ours = sizes(c.trace(), Direction.OUTBOUND);
        List<Integer> theirs = sizes(c.trace(), Direction.INBOUND);
        // Initiator: 64-byte key + garbage, then terminator (16) + version packet (20) = 36, then the version
        // message (102 + 33) and three empty long-type messages (33 each).
        assertTrue(ours.get(0) >= 64 && ours.get(0) <= 64 + 4095);
        assertEquals(List.of(36, 135, 33, 33, 33), ours.subList(1, 6));
        // Responder: key, garbage, terminator and version packet in one write, then version, wtxidrelay,
        // sendaddrv2, verack, sendcmpct (9 + 21) and a ping or feefilter (8 + 21).
        assertTrue(theirs.get(0) >= 64 + 36);
        assertEquals(List.of(135, 33, 33, 33, 30, 29), theirs.subList(1, 7));
        // The getaddr reply: about 17 KB from the listener, in three GRO-coalesced segments.
        int big = theirs.subList(1, theirs.size()).stream().filter(s -> s >= 1400).mapToInt(Integer::intValue).sum();
        assertTrue(big > 16_000 && big < 18_000, "addrv2 reply bytes " + big);
    }

    @Test
    void listenerPerspectiveSwapsDirections() throws IOException {
        ConnectionTrace connector = PcapImporter.read(SharedCaptures.HANDSHAKE).get(0).trace();
        ConnectionTrace listener = PcapImporter.read(SharedCaptures.HANDSHAKE, PcapImporter.Perspective.LISTENER)
                .get(0).trace();
        assertEquals(sizes(connector, Direction.OUTBOUND), sizes(listener, Direction.INBOUND));
        assertEquals(sizes(connector, Direction.INBOUND), sizes(listener, Direction.OUTBOUND));
    }

    // --- synthetic captures: formats, retransmissions, errors -----------------------------------------------------

    @Test
    void readsBothByteOrdersAndNanosecondsAndCookedAndIpv6() throws IOException {
        for (boolean littleEndian : new boolean[] {true, false}) {
            for (boolean nanos : new boolean[] {true, false}) {
                for (int link : new int[] {1, 113, 276, 101}) {
                    for (boolean v6 : new boolean[] {false, true}) {
                        PcapBuilder p = new PcapBuilder(littleEndian, nanos, link, v6);
                        p.tcp(1_000_000_000L, true, 1000, 0x02, 0); // SYN from the client
                        p.tcp(1_000_500_000L, false, 5000, 0x12, 0); // SYN-ACK
                        p.tcp(1_001_000_000L, true, 1001, 0x18, 100);
                        p.tcp(1_002_000_123L, false, 5001, 0x18, 36);
                        List<CapturedConnection> all = PcapImporter.read(new ByteArrayInputStream(p.bytes()),
                                "synthetic", PcapImporter.Perspective.CONNECTOR);
                        String what = "le=" + littleEndian + " ns=" + nanos + " link=" + link + " v6=" + v6;
                        assertEquals(1, all.size(), what);
                        ConnectionTrace t = all.get(0).trace();
                        assertEquals(List.of(new WireWrite(1_000_000, Direction.OUTBOUND, 100),
                                new WireWrite(nanos ? 2_000_123 : 2_000_000, Direction.INBOUND, 36)), t.writes(),
                                what);
                        assertEquals(v6 ? "[0:0:0:0:0:0:0:1]:40000" : "10.0.0.1:40000", all.get(0).connector());
                    }
                }
            }
        }
    }

    @Test
    void retransmissionsAreDroppedAndOverlapsCountOnlyNewBytes() throws IOException {
        PcapBuilder p = new PcapBuilder(true, false, 1, false);
        long seq = 0xffffff00L; // wraps around 2^32 during the test
        p.tcp(1_000_000, true, seq, 0x18, 200);
        p.tcp(2_000_000, true, seq, 0x18, 200); // full retransmission
        p.tcp(3_000_000, true, seq + 200, 0x18, 300);
        p.tcp(4_000_000, true, seq + 400, 0x18, 300); // 100 bytes seen, 200 new
        p.tcp(5_000_000, true, seq + 1000, 0x18, 50); // out of order: a hole before it
        p.tcp(6_000_000, true, seq + 700, 0x18, 300); // fills the hole exactly
        p.tcp(7_000_000, true, seq + 699, 0x18, 1); // keep-alive probe: old byte
        CapturedConnection c = PcapImporter.read(new ByteArrayInputStream(p.bytes()), "r",
                PcapImporter.Perspective.CONNECTOR).get(0);
        assertEquals(List.of(200, 300, 200, 50, 300), sizes(c.trace(), Direction.OUTBOUND));
        assertEquals(2, c.retransmissions());
        assertEquals(CapturedConnection.ListenerRule.BITCOIN_PORT, c.listenerRule());
    }

    @Test
    void sequenceSpaceStaysOneRangeInOrder() {
        PcapImporter.SequenceSpace space = new PcapImporter.SequenceSpace();
        long seq = 0xfffff000L;
        for (int i = 0; i < 10_000; i++) {
            assertEquals(1000, space.add(seq & 0xffffffffL, 1000));
            seq += 1000;
        }
        assertEquals(1, space.rangeCount());
    }

    @Test
    void badFilesGiveClearErrors() {
        IOException notPcap = assertThrows(PcapFormatException.class, () -> PcapImporter.read(
                new ByteArrayInputStream(new byte[24]), "x", PcapImporter.Perspective.CONNECTOR));
        assertTrue(notPcap.getMessage().contains("not a pcap file"));
        byte[] ng = new byte[24];
        ng[0] = 0x0a;
        ng[1] = 0x0d;
        ng[2] = 0x0d;
        ng[3] = 0x0a;
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapImporter.read(new ByteArrayInputStream(ng),
                "x", PcapImporter.Perspective.CONNECTOR)).getMessage().contains("pcapng"));
        PcapBuilder wifi = new PcapBuilder(true, false, 105, false);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapImporter.read(
                new ByteArrayInputStream(wifi.bytes()), "x", PcapImporter.Perspective.CONNECTOR))
                .getMessage().contains("unsupported link type 105"));
        PcapBuilder huge = new PcapBuilder(true, false, 1, false);
        huge.rawRecord(0, 10_000_000, new byte[0]);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapImporter.read(
                new ByteArrayInputStream(huge.bytes()), "x", PcapImporter.Perspective.CONNECTOR))
                .getMessage().contains("exceeds the snap length"));
        PcapBuilder cut = new PcapBuilder(true, false, 1, false);
        cut.rawRecord(0, 100, new byte[10]);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapImporter.read(
                new ByteArrayInputStream(cut.bytes()), "x", PcapImporter.Perspective.CONNECTOR))
                .getMessage().contains("record 1 at byte 24: file ends inside the record"));
    }

    /** Writes tiny pcaps: client 10.0.0.1:40000 (or ::1) to server 10.0.0.2:8333 (or ::2). */
    static final class PcapBuilder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteOrder order;
        private final boolean nanos;
        private final int link;
        private final boolean v6;

        PcapBuilder(boolean littleEndian, boolean nanos, int link, boolean v6) {
            this.order = littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            this.nanos = nanos;
            this.link = link;
            this.v6 = v6;
            ByteBuffer h = ByteBuffer.allocate(24).order(order);
            h.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(65535).putInt(link);
            out.writeBytes(h.array());
        }

        void tcp(long timeNanos, boolean fromClient, long seq, int flags, int payload) {
            ByteBuffer tcp = ByteBuffer.allocate(20 + Math.min(payload, 8)); // captured payload may be cut
            tcp.putShort((short) (fromClient ? 40000 : 8333)).putShort((short) (fromClient ? 8333 : 40000))
                    .putInt((int) seq).putInt(0).put((byte) 0x50).put((byte) flags).putShort((short) 1000)
                    .putInt(0);
            ByteBuffer ip;
            if (v6) {
                ip = ByteBuffer.allocate(40 + tcp.capacity());
                ip.putInt(0x60000000).putShort((short) (20 + payload)).put((byte) 6).put((byte) 64);
                byte[] a = new byte[16];
                a[15] = (byte) (fromClient ? 1 : 2);
                byte[] b = new byte[16];
                b[15] = (byte) (fromClient ? 2 : 1);
                ip.put(a).put(b);
            } else {
                ip = ByteBuffer.allocate(20 + tcp.capacity());
                ip.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload)).putInt(0).put((byte) 64)
                        .put((byte) 6).putShort((short) 0);
                ip.put(new byte[] {10, 0, 0, (byte) (fromClient ? 1 : 2)});
                ip.put(new byte[] {10, 0, 0, (byte) (fromClient ? 2 : 1)});
            }
            ip.put(tcp.array());
            byte[] l3 = ip.array();
            int etherType = v6 ? 0x86dd : 0x0800;
            ByteBuffer frame;
            switch (link) {
                case 1:
                    frame = ByteBuffer.allocate(14 + l3.length).put(new byte[12]).putShort((short) etherType);
                    break;
                case 113:
                    frame = ByteBuffer.allocate(16 + l3.length).put(new byte[14]).putShort((short) etherType);
                    break;
                case 276:
                    frame = ByteBuffer.allocate(20 + l3.length).putShort((short) etherType).put(new byte[18]);
                    break;
                default:
                    frame = ByteBuffer.allocate(l3.length);
            }
            frame.put(l3);
            long fraction = nanos ? timeNanos % 1_000_000_000L : timeNanos % 1_000_000_000L / 1000;
            rawRecord(timeNanos / 1_000_000_000L, fraction, frame.array(), frame.capacity());
        }

        void rawRecord(long seconds, int capturedLength, byte[] data) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            r.putInt((int) seconds).putInt(0).putInt(capturedLength).putInt(capturedLength);
            out.writeBytes(r.array());
            out.writeBytes(data);
        }

        private void rawRecord(long seconds, long fraction, byte[] data, int length) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            r.putInt((int) seconds).putInt((int) fraction).putInt(length).putInt(length);
            out.writeBytes(r.array());
            out.writeBytes(data);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}

package org.bip324shaper.bench.shape.trace;

import java.util.Arrays;
import java.nio.file.Files;
import java.util.TreeMap;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.bip324shaper.core.trace.WireWrite;

/** Fuzz target for {@link PcapImporter}: a capture file as a broken or hostile tool might write it. */
class PcapImporterFuzzTest {

    /**
     * Any bytes import or fail with a {@link PcapFormatException}. Every write comes from one record (16-byte header
     * each), and the two perspectives see the same connections with every direction swapped.
     */
    @FuzzTest(maxDuration = "60s")
    void read(byte[] data) throws IOException {
        List<CapturedConnection> connectors;
        try {
            connectors = PcapImporter.read(new ByteArrayInputStream(data), "fuzz", PcapImporter.Perspective.CONNECTOR);
        } catch (PcapFormatException e) {
            return;
        }
        List<CapturedConnection> listeners =
                PcapImporter.read(new ByteArrayInputStream(data), "fuzz", PcapImporter.Perspective.LISTENER);
        assertEquals(connectors.size(), listeners.size());
        long writes = 0;
        for (int i = 0; i < connectors.size(); i++) {
            CapturedConnection c = connectors.get(i);
            CapturedConnection l = listeners.get(i);
            assertEquals(c.connector(), l.connector());
            assertEquals(c.listener(), l.listener());
            assertEquals(c.segments(), c.trace().writes().size());
            List<WireWrite> cw = c.trace().writes();
            List<WireWrite> lw = l.trace().writes();
            assertEquals(cw.size(), lw.size());
            for (int j = 0; j < cw.size(); j++) {
                assertEquals(cw.get(j).timeNanos(), lw.get(j).timeNanos());
                assertEquals(cw.get(j).bytes(), lw.get(j).bytes());
                assertTrue(cw.get(j).direction() != lw.get(j).direction(), "perspectives must swap directions");
            }
            writes += cw.size();
        }
        assertTrue(writes <= Math.max(0, (data.length - 24) / 16), writes + " writes from " + data.length + " bytes");
    }

    /** The seed corpus, written by core's {@code FuzzSeedWriter}: synthetic captures and the head of a real one. */
    static Map<String, byte[]> seeds() throws IOException {
        Map<String, byte[]> s = new TreeMap<>();
        int[][] formats = {{1, 0}, {113, 1}, {276, 0}, {101, 1}, {228, 0}}; // link type, IPv6
        for (int i = 0; i < formats.length; i++) {
            PcapImporterTest.PcapBuilder b = new PcapImporterTest.PcapBuilder(i % 2 == 0, i % 3 == 0,
                    formats[i][0], formats[i][1] == 1);
            b.tcp(0, true, 1000, 0x02, 0); // SYN
            b.tcp(1_000_000, false, 5000, 0x12, 0); // SYN-ACK
            b.tcp(2_000_000, true, 1001, 0x18, 64); // the initiator's key
            b.tcp(3_000_000, false, 5001, 0x18, 100);
            b.tcp(4_000_000, true, 1001, 0x18, 64); // a retransmission
            b.tcp(5_000_000, true, 1065, 0x18, 36);
            s.put("read/synthetic-link-" + formats[i][0] + (formats[i][1] == 1 ? "-v6" : "-v4"), b.bytes());
        }
        s.put("read/real-bip324-handshake-head", headOf(Files.readAllBytes(SharedCaptures.HANDSHAKE), 4096));
        byte[] pcapng = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0, -1, -1, -1, -1, -1, -1,
            -1, -1, 0, 0, 0, 28};
        s.put("read/pcapng", pcapng);
        return s;
    }

    /** The global header and whole records, up to {@code limit} bytes. */
    private static byte[] headOf(byte[] pcap, int limit) {
        boolean le = (pcap[0] & 0xff) == 0xd4;
        int at = 24;
        while (at + 16 <= pcap.length) {
            int captured = (int) PcapReader.u32(pcap, at + 8, le);
            if (at + 16 + captured > limit) {
                break;
            }
            at += 16 + captured;
        }
        return Arrays.copyOf(pcap, at);
    }
}

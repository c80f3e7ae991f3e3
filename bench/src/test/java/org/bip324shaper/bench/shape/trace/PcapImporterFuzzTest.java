package org.bip324shaper.bench.shape.trace;

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
}

package org.bip324shaper.agent.probe;

import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.OversizeException;

/** Fuzz target for {@link VersionMessage#parse}: the version payload a probed node (or anything else) sends. */
class VersionMessageFuzzTest {
    private static final InetSocketAddress RECEIVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);

    /**
     * Any payload parses or fails with one of the two documented exceptions; what parses encodes and parses back to
     * an equal message, and its printable user agent is printable ASCII.
     */
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] payload) throws Bip324Exception {
        VersionMessage version;
        try {
            version = VersionMessage.parse(payload);
        } catch (MalformedMessageException e) {
            return;
        } catch (OversizeException e) {
            assertTrue(e.announced() > VersionMessage.MAX_USER_AGENT_BYTES);
            return;
        }
        assertEquals(version, VersionMessage.parse(version.encode(RECEIVER)), "encode then parse");
        assertTrue(version.printableUserAgent().chars().allMatch(c -> c >= 0x20 && c <= 0x7e));
    }

    /** The seed corpus, written by core's {@code FuzzSeedWriter}. */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        byte[] probe = VersionMessage.probe(0x1122334455667788L, 1_700_000_000L).encode(RECEIVER);
        s.put("parse/probe", probe);
        byte[] core = new VersionMessage(70016, 0x0c09, 1_700_000_000L, 42, "/Satoshi:28.0.0/", 870_000, true)
                .encode(RECEIVER);
        s.put("parse/core-node", core);
        s.put("parse/no-relay-byte", Arrays.copyOf(core, core.length - 1));
        s.put("parse/truncated-in-user-agent", Arrays.copyOf(core, 85));
        ByteBuffer oversize = ByteBuffer.allocate(80 + 3 + 4).order(ByteOrder.LITTLE_ENDIAN);
        oversize.put(Arrays.copyOf(core, 80)).put((byte) 0xfd).putShort((short) 300);
        s.put("parse/user-agent-announced-300", oversize.array());
        return s;
    }
}

package org.bip324shaper.agent.probe;

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
}

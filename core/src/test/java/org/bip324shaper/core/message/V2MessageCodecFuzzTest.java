package org.bip324shaper.core.message;

import org.bip324shaper.core.testing.FuzzSeedWriter;
import java.util.TreeMap;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.bip324shaper.core.MalformedMessageException;

/** Fuzz target for {@link V2MessageCodec#decode}: packet contents as a peer chooses them. */
class V2MessageCodecFuzzTest {

    /**
     * Any contents decode to a message, an unknown short ID, or an invalid message type (dropped, as Core does). A decoded
     * message encodes back to the same contents, except that a long type with a short ID comes back short.
     */
    @FuzzTest(maxDuration = "60s")
    void decodeContents(byte[] contents) {
        V2Decoded decoded = V2MessageCodec.decode(contents); // never throws: Core drops what it cannot read
        if (decoded instanceof V2Decoded.InvalidMessageType invalid) {
            assertEquals(contents.length, invalid.contentsLength());
            return;
        }
        int first = contents[0] & 0xff;
        if (decoded instanceof V2Decoded.Message m) {
            NetworkMessage message = m.message();
            byte[] again = V2MessageCodec.encode(message);
            assertEquals(message, assertInstanceOf(V2Decoded.Message.class, V2MessageCodec.decode(again)).message());
            if (first != 0 || MessageTypes.shortId(message.command()).isEmpty()) {
                assertArrayEquals(contents, again, "canonical contents must round-trip exactly");
            } else {
                assertEquals(MessageTypes.shortId(message.command()).getAsInt(), again[0] & 0xff);
                assertArrayEquals(Arrays.copyOfRange(contents, V2MessageCodec.LONG_TYPE_LENGTH, contents.length),
                        Arrays.copyOfRange(again, 1, again.length));
            }
        } else if (decoded instanceof V2Decoded.UnknownShortId u) {
            assertEquals(first, u.shortId());
            assertTrue(first > MessageTypes.MAX_KNOWN_SHORT_ID);
            assertEquals(contents.length - 1, u.payloadLength());
        }
    }

    /** The seed corpus (see {@link FuzzSeedWriter}). */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        s.put("decodeContents/ping-short", V2MessageCodec.encode(new NetworkMessage("ping", new byte[8])));
        s.put("decodeContents/addrv2-short", V2MessageCodec.encode(new NetworkMessage("addrv2", new byte[30])));
        s.put("decodeContents/version-long",
                V2MessageCodec.encode(new NetworkMessage("version", FuzzSeedWriter.randomBytes(3, 102))));
        s.put("decodeContents/verack-long-empty", V2MessageCodec.encode(new NetworkMessage("verack", new byte[0])));
        byte[] longPing = new byte[13 + 8];
        System.arraycopy("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, longPing, 1, 4);
        s.put("decodeContents/ping-long", longPing);
        s.put("decodeContents/unknown-id-200", new byte[] {(byte) 200, 1, 2, 3});
        s.put("decodeContents/unassigned-erlay-id-29", new byte[] {29});
        s.put("decodeContents/long-type-too-short", new byte[] {0, 'p', 'i', 'n', 'g'});
        s.put("decodeContents/long-type-bad-char", new byte[] {0, 'p', 1, 'n', 'g', 0, 0, 0, 0, 0, 0, 0, 0});
        return s;
    }
}

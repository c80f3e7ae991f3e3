package org.bip324shaper.agent.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.OversizeException;
import org.junit.jupiter.api.Test;

class VersionMessageTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("203.0.113.7", 18444);

    @Test
    void ourVersionHasTheDocumentedFieldsAtTheirOffsets() {
        byte[] bytes = VersionMessage.probe(0x0102030405060708L, 1_700_000_000L).encode(PEER);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(70016, in.getInt(0));
        assertEquals(0, in.getLong(4), "services");
        assertEquals(1_700_000_000L, in.getLong(12));
        assertEquals(0, in.getLong(20), "addr_recv services");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 203, 0, 113, 7};
        assertArrayEquals(mapped, Arrays.copyOfRange(bytes, 28, 44), "addr_recv: IPv4-mapped");
        assertEquals(18444, ((bytes[44] & 0xff) << 8) | (bytes[45] & 0xff), "addr_recv port is big-endian");
        assertArrayEquals(new byte[26], Arrays.copyOfRange(bytes, 46, 72), "addr_from is empty");
        assertEquals(0x0102030405060708L, in.getLong(72));
        String agent = "/bip324-shaper:0.1/";
        assertEquals(agent.length(), bytes[80]);
        assertEquals(agent, new String(bytes, 81, agent.length(), StandardCharsets.US_ASCII));
        assertEquals(0, in.getInt(81 + agent.length()), "start height");
        assertEquals(0, bytes[85 + agent.length()], "relay false");
        assertEquals(86 + agent.length(), bytes.length);
    }

    @Test
    void parsesWhatItEncodes() throws Exception {
        VersionMessage message = new VersionMessage(70015, 0x409, 1_600_000_000L, -5, "/Satoshi:27.0.0/", 840_000,
                true);
        assertEquals(message, VersionMessage.parse(message.encode(PEER)));
        VersionMessage ipv6 = VersionMessage.probe(1, 2);
        assertEquals(ipv6, VersionMessage.parse(ipv6.encode(new InetSocketAddress("2001:db8::1", 8333))));
    }

    @Test
    void aMissingRelayFlagMeansRelay() throws Exception {
        byte[] bytes = VersionMessage.probe(1, 2).encode(PEER);
        assertTrue(VersionMessage.parse(Arrays.copyOf(bytes, bytes.length - 1)).relay());
    }

    @Test
    void truncationAnywhereIsMalformed() {
        byte[] bytes = VersionMessage.probe(1, 2).encode(PEER);
        for (int length = 0; length < bytes.length - 1; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThrows(MalformedMessageException.class, () -> VersionMessage.parse(cut), "length " + length);
        }
    }

    @Test
    void anOversizeUserAgentIsRefusedBeforeAllocating() {
        byte[] bytes = VersionMessage.probe(1, 2).encode(PEER);
        byte[] huge = Arrays.copyOf(bytes, 90);
        huge[80] = (byte) 0xfe;                                   // 4-byte length follows
        ByteBuffer.wrap(huge, 81, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2_000_000_000);
        OversizeException e = assertThrows(OversizeException.class, () -> VersionMessage.parse(huge));
        assertEquals(2_000_000_000L, e.announced());
        assertThrows(IllegalArgumentException.class, () -> new VersionMessage(1, 0, 0, 0, "x".repeat(257), 0, true));
    }

    @Test
    void printingEscapesWhatATerminalWouldInterpret() {
        VersionMessage message = new VersionMessage(1, 0, 0, 0, "/evil\u001b[2J\\\u00e9/", 0, true);
        String printed = message.printableUserAgent();
        assertEquals("/evil\\u001b[2J\\u005c\\u00e9/", printed);
        assertFalse(printed.chars().anyMatch(c -> c < 0x20 || c > 0x7e));
    }
}

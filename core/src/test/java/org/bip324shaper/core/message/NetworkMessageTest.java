package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.bip324shaper.core.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkMessageTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "tx", "version", "verack", "sendaddrv2", "wtxidrelay", "getcfcheckpt", "abcdefghijkl",
        "A-Z_0~9 !", "\u0020", "\u007e"})
    void acceptsOneToTwelvePrintableAsciiCharacters(String command) {
        assertEquals(command, new NetworkMessage(command, new byte[0]).command());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abcdefghijklm", "ping\u0000", "\u001f", "\u007f", "p\u00e9ng", "\u0080", "ping\n"})
    void rejectsOtherCommands(String command) {
        assertThrows(IllegalArgumentException.class, () -> new NetworkMessage(command, new byte[0]));
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new NetworkMessage(null, new byte[0]));
        assertThrows(NullPointerException.class, () -> new NetworkMessage("ping", null));
    }

    @Test
    void theConstructorTakesTheArrayOverAndCopyOfCopiesIt() {
        byte[] payload = {1, 2, 3};
        NetworkMessage owning = new NetworkMessage("ping", payload);
        NetworkMessage copied = NetworkMessage.copyOf("ping", payload);
        payload[0] = 9;
        assertArrayEquals(new byte[] {9, 2, 3}, owning.copyPayload(), "no copy in the constructor");
        assertArrayEquals(new byte[] {1, 2, 3}, copied.copyPayload());
        assertEquals(3, owning.payloadLength());
    }

    @Test
    void payloadIsAReadOnlyViewAndCopyPayloadAFreshArray() {
        NetworkMessage message = new NetworkMessage("ping", new byte[] {1, 2, 3});
        ByteBuffer view = message.payload();
        assertTrue(view.isReadOnly());
        assertEquals(3, view.remaining());
        assertEquals(0, view.position());
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 7));
        message.copyPayload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, message.copyPayload());
        view.get();
        assertEquals(3, message.payload().remaining(), "each view has its own position");
    }

    @Test
    void copyOfABufferTakesItsRemainingBytesWithoutMovingIt() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {5, 6, 7, 8});
        source.position(1);
        NetworkMessage message = NetworkMessage.copyOf("pong", source);
        assertArrayEquals(new byte[] {6, 7, 8}, message.copyPayload());
        assertEquals(1, source.position());
    }

    @Test
    void equalityIsByContent() {
        NetworkMessage a = new NetworkMessage("ping", new byte[] {1, 2});
        NetworkMessage b = new NetworkMessage("ping", new byte[] {1, 2});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new NetworkMessage("pong", new byte[] {1, 2}));
        assertNotEquals(a, new NetworkMessage("ping", new byte[] {1, 3}));
    }

    @Test
    void toStringShowsCommandAndLengthButNoPayload() {
        byte[] payload = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);
        String s = new NetworkMessage("tx", payload).toString();
        assertTrue(s.contains("tx"), s);
        assertTrue(s.contains(Integer.toString(payload.length)), s);
        assertFalse(s.contains("horse"), s);
        assertFalse(s.contains(Hex.encode(payload).substring(0, 8)), s);
    }
}

package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.MalformedMessageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class V2MessageCodecTest {
    private final Random random = new Random(324);

    private byte[] randomPayload() {
        byte[] payload = new byte[random.nextInt(300)];
        random.nextBytes(payload);
        return payload;
    }

    private static NetworkMessage decodeMessage(byte[] contents) throws MalformedMessageException {
        return assertInstanceOf(V2Decoded.Message.class, V2MessageCodec.decode(contents)).message();
    }

    @Test
    void everyShortIdTypeRoundTripsInOneByteForm() throws Exception {
        for (int id = 1; id <= MessageTypes.MAX_KNOWN_SHORT_ID; id++) {
            String command = MessageTypes.command(id).orElseThrow();
            for (byte[] payload : List.of(new byte[0], randomPayload())) {
                NetworkMessage message = new NetworkMessage(command, payload);
                byte[] contents = V2MessageCodec.encode(message);
                assertEquals(1 + payload.length, contents.length, command);
                assertEquals(id, contents[0] & 0xff, command);
                assertArrayEquals(payload, Arrays.copyOfRange(contents, 1, contents.length), command);
                assertEquals(message, decodeMessage(contents));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "verack", "sendaddrv2", "wtxidrelay", "sendheaders", "abcdefghijkl", "x"})
    void commandsWithoutShortIdRoundTripInLongForm(String command) throws Exception {
        byte[] payload = randomPayload();
        NetworkMessage message = new NetworkMessage(command, payload);
        byte[] contents = V2MessageCodec.encode(message);
        assertEquals(13 + payload.length, contents.length);
        assertEquals(0, contents[0]);
        byte[] field = Arrays.copyOfRange(contents, 1, 13);
        byte[] expectedField = Arrays.copyOf(command.getBytes(StandardCharsets.US_ASCII), 12);
        assertArrayEquals(expectedField, field);
        assertArrayEquals(payload, Arrays.copyOfRange(contents, 13, contents.length));
        assertEquals(message, decodeMessage(contents));
    }

    @Test
    void longFormOfAShortIdCommandIsAccepted() throws Exception {
        for (int id = 1; id <= MessageTypes.MAX_KNOWN_SHORT_ID; id++) {
            String command = MessageTypes.command(id).orElseThrow();
            byte[] payload = randomPayload();
            byte[] contents = longForm(command.getBytes(StandardCharsets.US_ASCII), payload);
            NetworkMessage decoded = decodeMessage(contents);
            assertEquals(new NetworkMessage(command, payload), decoded);
            // and it is re-encoded compactly
            assertEquals(id, V2MessageCodec.encode(decoded)[0]);
        }
    }

    @Test
    void unknownShortIdsAreReportedForSkipping() throws Exception {
        for (int id = MessageTypes.MAX_KNOWN_SHORT_ID + 1; id <= 255; id++) {
            byte[] payload = randomPayload();
            byte[] contents = new byte[1 + payload.length];
            contents[0] = (byte) id;
            System.arraycopy(payload, 0, contents, 1, payload.length);
            V2Decoded.UnknownShortId unknown = assertInstanceOf(V2Decoded.UnknownShortId.class,
                    V2MessageCodec.decode(contents), "id " + id);
            assertEquals(id, unknown.shortId());
            assertEquals(payload.length, unknown.payloadLength());
        }
    }

    /** What Bitcoin Core's {@code GetMessageType} rejects is a message to drop, never an error. */
    private static V2Decoded.InvalidMessageType invalid(byte[] contents) {
        V2Decoded.InvalidMessageType invalid = assertInstanceOf(V2Decoded.InvalidMessageType.class,
                V2MessageCodec.decode(contents));
        assertEquals(contents.length, invalid.contentsLength());
        return invalid;
    }

    @Test
    void emptyContentsAreDropped() {
        assertTrue(invalid(new byte[0]).reason().contains("empty"));
    }

    @Test
    void longFormShorterThanThirteenBytesIsDropped() {
        byte[] full = longForm("abcdefghijkl".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        for (int length = 1; length < 13; length++) {
            assertTrue(invalid(Arrays.copyOf(full, length)).reason().contains("needs 13 bytes"), "length " + length);
        }
    }

    @Test
    void nonNulAfterPaddingIsDropped() {
        for (int position = 5; position < 12; position++) {
            byte[] field = Arrays.copyOf("ping".getBytes(StandardCharsets.US_ASCII), 12);
            field[position] = 'x';
            invalid(longForm(field, new byte[] {1, 2, 3}));
        }
    }

    @Test
    void emptyCommandIsDropped() {
        invalid(longForm(new byte[12], new byte[8]));
        byte[] hidden = new byte[12];
        hidden[5] = 'p';
        invalid(longForm(hidden, new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x01, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff})
    void nonPrintableCommandByteIsDropped(int bad) {
        for (int position = 0; position < 4; position++) {
            byte[] field = Arrays.copyOf("ping".getBytes(StandardCharsets.US_ASCII), 12);
            field[position] = (byte) bad;
            invalid(longForm(field, new byte[0]));
        }
    }

    @Test
    void dropReasonsDoNotCarryContents() {
        byte[] field = Arrays.copyOf("ping".getBytes(StandardCharsets.US_ASCII), 12);
        field[8] = 'Z';
        String reason = invalid(longForm(field, "SECRETPAYLOAD".getBytes(StandardCharsets.US_ASCII))).reason();
        assertFalse(reason.contains("SECRET"), reason);
        assertFalse(reason.contains("pingZ"), reason);
    }

    @Test
    void decodedMessageTakesTheContentsOverWithoutACopy() throws Exception {
        byte[] contents = {(byte) 18, 1, 2, 3, 4, 5, 6, 7, 8};
        NetworkMessage message = decodeMessage(contents);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, message.copyPayload());
        contents[1] = 42; // documented: the caller hands the array over
        assertEquals(42, message.payload().get(0), "the payload is a view of the contents");
    }

    private static byte[] longForm(byte[] commandField, byte[] payload) {
        byte[] contents = new byte[13 + payload.length];
        System.arraycopy(commandField, 0, contents, 1, Math.min(12, commandField.length));
        System.arraycopy(payload, 0, contents, 13, payload.length);
        return contents;
    }
}

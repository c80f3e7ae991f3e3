package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.WrongNetworkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class V1FrameCodecTest {
    private final Random random = new Random(0x324);

    @Test
    void mainnetVerackMatchesTheWellKnownBytes() {
        // Every mainnet node's verack: magic, "verack" padded, length 0, checksum of the empty payload.
        byte[] frame = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("verack", new byte[0]));
        assertEquals("f9beb4d9" + "76657261636b000000000000" + "00000000" + "5df6e0e2", Hex.encode(frame));
    }

    @Test
    void headerLayout() {
        byte[] payload = new byte[0x01_02_03];
        random.nextBytes(payload);
        byte[] frame = new V1FrameEncoder(Network.REGTEST).encode(new NetworkMessage("abcdefghijkl", payload));
        assertEquals(24 + payload.length, frame.length);
        assertEquals("fabfb5da", Hex.encode(Arrays.copyOf(frame, 4)));
        assertEquals("abcdefghijkl", new String(frame, 4, 12, StandardCharsets.US_ASCII));
        assertEquals("03020100", Hex.encode(Arrays.copyOfRange(frame, 16, 20)));
        assertArrayEquals(payload, Arrays.copyOfRange(frame, 24, frame.length));
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void roundTripsUnderAnyChunking(Network network) throws Exception {
        List<NetworkMessage> messages = someMessages();
        byte[] stream = concat(messages, new V1FrameEncoder(network));
        for (int trial = 0; trial < 20; trial++) {
            int maxChunk = trial == 0 ? 1 : 1 + random.nextInt(trial < 10 ? 40 : stream.length);
            assertEquals(messages, decodeAll(new V1FrameDecoder(network), stream, maxChunk), "max chunk " + maxChunk);
        }
    }

    @Test
    void consumesAtMostOneMessage() throws Exception {
        V1FrameEncoder encoder = new V1FrameEncoder(Network.MAINNET);
        byte[] first = encoder.encode(new NetworkMessage("ping", new byte[8]));
        byte[] second = encoder.encode(new NetworkMessage("pong", new byte[8]));
        ByteBuffer src = ByteBuffer.wrap(concat(first, second));
        V1FrameDecoder decoder = new V1FrameDecoder(Network.MAINNET);
        assertEquals("ping", decoder.decode(src).command());
        assertEquals(first.length, src.position());
        assertEquals("pong", decoder.decode(src).command());
        assertFalse(src.hasRemaining());
        assertNull(decoder.decode(src));
    }

    @Test
    void truncationAtEveryOffsetNeedsMoreInput() throws Exception {
        byte[] payload = new byte[20];
        random.nextBytes(payload);
        byte[] frame = new V1FrameEncoder(Network.TESTNET3).encode(new NetworkMessage("inv", payload));
        for (int cut = 0; cut < frame.length; cut++) {
            V1FrameDecoder decoder = new V1FrameDecoder(Network.TESTNET3);
            ByteBuffer src = ByteBuffer.wrap(frame, 0, cut);
            assertNull(decoder.decode(src), "cut at " + cut);
            assertFalse(src.hasRemaining());
            assertArrayEquals(Arrays.copyOf(frame, cut), decoder.pendingBytes(), "cut at " + cut);
            // the rest completes it
            NetworkMessage message = decoder.decode(ByteBuffer.wrap(frame, cut, frame.length - cut));
            assertEquals(new NetworkMessage("inv", payload), message, "cut at " + cut);
            assertEquals(0, decoder.pendingBytes().length);
        }
    }

    @Test
    void pendingBytesFollowTheInputUnderChunking() throws Exception {
        byte[] payload = new byte[200_000]; // beyond the initial payload buffer, so it grows while filling
        random.nextBytes(payload);
        byte[] frame = new V1FrameEncoder(Network.SIGNET).encode(new NetworkMessage("block", payload));
        V1FrameDecoder decoder = new V1FrameDecoder(Network.SIGNET);
        int fed = 0;
        NetworkMessage message = null;
        while (message == null) {
            int n = Math.min(frame.length - fed, 1 + random.nextInt(30_000));
            message = decoder.decode(ByteBuffer.wrap(frame, fed, n));
            fed += n;
            if (message == null) {
                assertArrayEquals(Arrays.copyOf(frame, fed), decoder.pendingBytes());
            }
        }
        assertEquals(frame.length, fed);
        assertArrayEquals(payload, message.copyPayload());
    }

    @Test
    void magicOfAnotherNetworkIsWrongNetwork() {
        for (Network ours : Network.values()) {
            for (Network theirs : Network.values()) {
                if (ours == theirs) {
                    continue;
                }
                byte[] frame = new V1FrameEncoder(theirs).encode(new NetworkMessage("version", new byte[3]));
                // fails as soon as the magic is complete, before the rest of the header
                WrongNetworkException e = assertThrows(WrongNetworkException.class,
                        () -> new V1FrameDecoder(ours).decode(ByteBuffer.wrap(frame, 0, 4)));
                assertEquals(ours, e.expected());
                assertEquals(theirs, e.actual());
            }
        }
    }

    @Test
    void unknownMagicIsMalformed() {
        byte[] frame = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("version", new byte[3]));
        for (int i = 0; i < 4; i++) {
            byte[] bad = frame.clone();
            bad[i] ^= 0x40;
            assertThrows(MalformedMessageException.class, () -> decodeAll(new V1FrameDecoder(Network.MAINNET), bad, 1));
        }
        byte[] garbage = new byte[64];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x16; // no magic starts with the TLS record byte
        assertThrows(MalformedMessageException.class,
                () -> new V1FrameDecoder(Network.MAINNET).decode(ByteBuffer.wrap(garbage)));
    }

    @Test
    void flippedChecksumOrPayloadIsMalformed() {
        byte[] payload = "SECRETPAYLOAD".getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("tx", payload));
        for (int bit = 0; bit < 32; bit++) {
            byte[] bad = frame.clone();
            bad[20 + bit / 8] ^= (byte) (1 << (bit % 8));
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> new V1FrameDecoder(Network.MAINNET).decode(ByteBuffer.wrap(bad)));
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
        byte[] badPayload = frame.clone();
        badPayload[frame.length - 1] ^= 1;
        assertThrows(MalformedMessageException.class,
                () -> new V1FrameDecoder(Network.MAINNET).decode(ByteBuffer.wrap(badPayload)));
    }

    @Test
    void oversizeLengthFailsWithTheHeaderAlone() {
        byte[] frame = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("block", new byte[1001]));
        // a cap one below the real length: the 24-byte header suffices to fail
        OversizeException e = assertThrows(OversizeException.class,
                () -> new V1FrameDecoder(Network.MAINNET, 1000).decode(ByteBuffer.wrap(frame, 0, 20)));
        assertEquals(1001, e.announced());
        assertEquals(1000, e.limit());
        // exactly at the cap is fine
        assertNotNull(assertDoesNotThrow(() -> new V1FrameDecoder(Network.MAINNET, 1001).decode(ByteBuffer.wrap(frame))));
    }

    @Test
    void defaultCapIsCoresMaxProtocolMessageLength() throws Exception {
        byte[] header = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("block", new byte[0]));
        byte[] atCap = withLength(header, 4_000_000L);
        assertNull(new V1FrameDecoder(Network.MAINNET).decode(ByteBuffer.wrap(atCap)));
        OversizeException e = assertThrows(OversizeException.class,
                () -> new V1FrameDecoder(Network.MAINNET).decode(ByteBuffer.wrap(withLength(header, 4_000_001L))));
        assertEquals(4_000_001L, e.announced());
        // the length is unsigned: 0xffffffff is 4 GiB - 1, not -1
        OversizeException huge = assertThrows(OversizeException.class, () -> new V1FrameDecoder(Network.MAINNET,
                Integer.MAX_VALUE).decode(ByteBuffer.wrap(withLength(header, 0xffff_ffffL))));
        assertEquals(0xffff_ffffL, huge.announced());
    }

    @Test
    void badCommandFieldIsMalformed() {
        byte[] frame = new V1FrameEncoder(Network.REGTEST).encode(new NetworkMessage("ping", new byte[8]));
        List<byte[]> bad = new ArrayList<>();
        byte[] afterPadding = frame.clone();
        afterPadding[4 + 6] = 'x'; // "ping\0\0x..."
        bad.add(afterPadding);
        byte[] empty = frame.clone();
        Arrays.fill(empty, 4, 16, (byte) 0);
        bad.add(empty);
        for (int c : new int[] {0x01, 0x1f, 0x7f, 0x80, 0xff}) {
            byte[] nonPrintable = frame.clone();
            nonPrintable[5] = (byte) c;
            bad.add(nonPrintable);
        }
        for (byte[] b : bad) {
            // fails as soon as the command field is complete
            assertThrows(MalformedMessageException.class,
                    () -> new V1FrameDecoder(Network.REGTEST).decode(ByteBuffer.wrap(b, 0, 16)));
        }
    }

    @Test
    void decoderIsDeadAfterAnError() {
        V1FrameDecoder decoder = new V1FrameDecoder(Network.MAINNET);
        byte[] other = new V1FrameEncoder(Network.REGTEST).encode(new NetworkMessage("verack", new byte[0]));
        assertThrows(WrongNetworkException.class, () -> decoder.decode(ByteBuffer.wrap(other)));
        byte[] good = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("verack", new byte[0]));
        assertThrows(IllegalStateException.class, () -> decoder.decode(ByteBuffer.wrap(good)));
        assertThrows(IllegalStateException.class, decoder::pendingBytes);
    }

    @Test
    void rejectsBadConstructorArguments() {
        assertThrows(IllegalArgumentException.class, () -> new V1FrameDecoder(Network.MAINNET, -1));
        assertThrows(NullPointerException.class, () -> new V1FrameDecoder(null));
        assertThrows(NullPointerException.class, () -> new V1FrameEncoder(null));
        assertEquals(V1FrameDecoder.DEFAULT_MAX_PAYLOAD, new V1FrameDecoder(Network.MAINNET).maxPayload());
    }

    private static byte[] withLength(byte[] frame, long length) {
        byte[] out = Arrays.copyOf(frame, 24);
        for (int i = 0; i < 4; i++) {
            out[16 + i] = (byte) (length >>> (8 * i));
        }
        return out;
    }

    private List<NetworkMessage> someMessages() {
        List<NetworkMessage> messages = new ArrayList<>();
        messages.add(new NetworkMessage("verack", new byte[0]));
        for (String command : List.of("version", "ping", "inv", "abcdefghijkl", "tx", "headers")) {
            byte[] payload = new byte[random.nextInt(500)];
            random.nextBytes(payload);
            messages.add(new NetworkMessage(command, payload));
        }
        return messages;
    }

    /** Feeds {@code stream} in random chunks of 1..maxChunk bytes and collects every decoded message. */
    List<NetworkMessage> decodeAll(V1FrameDecoder decoder, byte[] stream, int maxChunk) throws Bip324Exception {
        return decodeAll(decoder, stream, maxChunk, random);
    }

    static List<NetworkMessage> decodeAll(V1FrameDecoder decoder, byte[] stream, int maxChunk, Random random)
            throws Bip324Exception {
        List<NetworkMessage> out = new ArrayList<>();
        int offset = 0;
        while (offset < stream.length) {
            int n = Math.min(stream.length - offset, 1 + random.nextInt(maxChunk));
            ByteBuffer chunk = ByteBuffer.wrap(stream, offset, n);
            NetworkMessage message;
            while ((message = decoder.decode(chunk)) != null) {
                out.add(message);
            }
            assertFalse(chunk.hasRemaining(), "null returned with input left");
            offset += n;
        }
        assertEquals(0, decoder.pendingBytes().length, "stream ended inside a message");
        return out;
    }

    private static byte[] concat(List<NetworkMessage> messages, V1FrameEncoder encoder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (NetworkMessage message : messages) {
            out.writeBytes(encoder.encode(message));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

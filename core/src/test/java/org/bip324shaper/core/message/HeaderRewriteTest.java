package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.Random;
import org.bip324shaper.core.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message moves between a v1 frame and v2 packet contents by rewriting the header around its payload: these tests
 * show the bytes are the ones the copying encoders produce, and that the payload is shared, not copied.
 */
class HeaderRewriteTest {
    /** Short-ID, long-form and empty-payload commands. */
    @ParameterizedTest
    @ValueSource(strings = {"tx", "ping", "filterload", "version", "sendaddrv2", "wtxidrelay", "verack", "abcdefghijkl"})
    void aV1FrameBecomesV2ContentsInsideItsOwnBuffer(String command) throws Exception {
        NetworkMessage original = new NetworkMessage(command, payload(command));
        byte[] wire = new V1FrameEncoder(Network.REGTEST).encode(original);
        NetworkMessage decoded = new V1FrameDecoder(Network.REGTEST).decode(ByteBuffer.wrap(wire));

        ByteBuffer contents = V2MessageCodec.contents(decoded);

        assertSame(decoded.buffer(), contents.array(), "the contents are the frame's own buffer");
        assertEquals(V1FrameEncoder.HEADER_LENGTH + decoded.payloadLength(),
                contents.arrayOffset() + contents.remaining(), "the payload did not move");
        assertArrayEquals(V2MessageCodec.encode(original), remaining(contents));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tx", "ping", "version", "sendaddrv2", "verack"})
    void v2ContentsBecomeAV1FrameAroundTheSamePayload(String command) throws Exception {
        NetworkMessage original = new NetworkMessage(command, payload(command));
        byte[] contents = V2MessageCodec.encode(original);
        NetworkMessage decoded = ((V2Decoded.Message) V2MessageCodec.decode(contents)).message();
        assertSame(contents, decoded.buffer(), "decoding takes the contents over");

        ByteBuffer[] frame = new V1FrameEncoder(Network.MAINNET).frame(decoded);

        assertEquals(2, frame.length, "no room for a v1 header in front of v2 contents: header, then the payload");
        assertSame(contents, frame[1].array(), "the payload is a view of the contents");
        assertArrayEquals(new V1FrameEncoder(Network.MAINNET).encode(original), concat(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"getblocks", "version", "inv"})
    void aV1MessageRelayedAsV1IsItsOwnFrameAndSurvivesAV2RewriteInBetween(String command) throws Exception {
        NetworkMessage original = new NetworkMessage(command, payload(command));
        byte[] wire = new V1FrameEncoder(Network.SIGNET).encode(original);
        NetworkMessage decoded = new V1FrameDecoder(Network.SIGNET).decode(ByteBuffer.wrap(wire));

        ByteBuffer[] first = new V1FrameEncoder(Network.SIGNET).frame(decoded);
        assertEquals(1, first.length);
        assertSame(decoded.buffer(), first[0].array());
        assertArrayEquals(wire, concat(first));

        V2MessageCodec.contents(decoded); // overwrites the tail of the header room
        assertArrayEquals(wire, concat(new V1FrameEncoder(Network.SIGNET).frame(decoded)), "header rewritten back");
        assertArrayEquals(original.copyPayload(), decoded.copyPayload(), "the payload never changes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tx", "sendaddrv2"})
    void aMessageWithoutHeaderRoomIsEncodedIntoANewArray(String command) {
        byte[] payload = payload(command);
        NetworkMessage message = new NetworkMessage(command, payload);
        ByteBuffer contents = V2MessageCodec.contents(message);
        assertArrayEquals(V2MessageCodec.encode(message), remaining(contents));
        assertArrayEquals(payload(command), payload, "the caller's array is untouched");
    }

    /** The same random payload for the same command, so a test can compare against a second copy. */
    private static byte[] payload(String command) {
        if (command.equals("verack")) {
            return new byte[0];
        }
        Random random = new Random(command.hashCode());
        byte[] p = new byte[1 + random.nextInt(5000)];
        random.nextBytes(p);
        return p;
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] concat(ByteBuffer[] parts) {
        int n = 0;
        for (ByteBuffer b : parts) {
            n += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer b : parts) {
            all.put(b.duplicate());
        }
        return all.array();
    }
}

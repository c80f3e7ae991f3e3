package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.WrongNetworkException;
import org.bip324shaper.core.testing.Chunks;

/** Fuzz target for {@link V1FrameDecoder}; the seeds are v1 streams of real message shapes, whole and cut. */
class V1FrameDecoderFuzzTest {
    static final int[] CAPS = {V1FrameDecoder.DEFAULT_MAX_PAYLOAD, 0, 10, 1000, 70_000};
    private static final int INITIAL_PAYLOAD_CAPACITY = 64 * 1024;

    /**
     * Input: selector byte (bit 0: mainnet or regtest, bits 1..3: the payload cap), one chunk-plan byte, then the
     * stream. The decoder throws only its three documented exceptions, never reserves more than the cap nor much
     * more than arrived, and loses nothing: the messages it returns, framed again, followed by its pending bytes
     * are exactly the stream it consumed.
     */
    @FuzzTest(maxDuration = "60s")
    void arbitraryStream(byte[] data) throws Bip324Exception {
        if (data.length < 2) {
            return;
        }
        Network network = (data[0] & 1) == 0 ? Network.MAINNET : Network.REGTEST;
        int cap = CAPS[((data[0] & 0xff) >>> 1) % CAPS.length];
        byte[] stream = Arrays.copyOfRange(data, 2, data.length);
        V1FrameDecoder decoder = new V1FrameDecoder(network, cap);
        V1FrameEncoder encoder = new V1FrameEncoder(network);
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        long fed = 0;
        try {
            for (ByteBuffer piece : Chunks.split(stream, new byte[] {data[1]})) {
                fed += piece.remaining();
                while (piece.hasRemaining()) {
                    NetworkMessage m = decoder.decode(piece);
                    if (m != null) {
                        assertTrue(m.payloadLength() <= cap, "payload over the cap");
                        rebuilt.writeBytes(encoder.encode(m));
                    } else {
                        assertFalse(piece.hasRemaining(), "null with bytes left");
                    }
                    int capacity = decoder.payloadBufferCapacity();
                    assertTrue(capacity <= cap, "payload buffer " + capacity + " beyond the cap " + cap);
                    assertTrue(capacity <= Math.max(INITIAL_PAYLOAD_CAPACITY, 2 * fed), "payload buffer " + capacity
                            + " after " + fed + " bytes");
                }
            }
            rebuilt.writeBytes(decoder.pendingBytes());
            assertArrayEquals(stream, rebuilt.toByteArray(), "decoded messages + pending bytes != stream");
        } catch (WrongNetworkException e) {
            assertEquals(network, e.expected());
            assertNotEquals(network, e.actual());
            dead(decoder);
        } catch (OversizeException e) {
            assertTrue(e.announced() > cap);
            assertEquals(cap, e.limit());
            assertTrue(decoder.payloadBufferCapacity() <= cap);
            dead(decoder);
        } catch (MalformedMessageException e) {
            dead(decoder);
        }
        // Whatever happened, what was decoded is a prefix of the stream.
        byte[] prefix = rebuilt.toByteArray();
        assertArrayEquals(Arrays.copyOf(stream, Math.min(prefix.length, stream.length)), prefix);
    }

    private static void dead(V1FrameDecoder decoder) {
        assertThrows(IllegalStateException.class, () -> decoder.decode(ByteBuffer.allocate(1)));
    }
}

package org.bip324shaper.core.message;

import org.bip324shaper.core.testing.FuzzSeedWriter;
import java.util.TreeMap;
import java.util.Map;
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

    /** The seed corpus (see {@link FuzzSeedWriter}). */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        byte[] mainnet = stream(Network.MAINNET);
        s.put("arbitraryStream/mainnet-handshake-8-byte-chunks", input(0, 0, 7, mainnet));
        s.put("arbitraryStream/regtest-handshake-whole", input(1, 0, 0x7f, stream(Network.REGTEST)));
        s.put("arbitraryStream/testnet-to-mainnet", input(0, 0, 0x3f, stream(Network.TESTNET3)));
        s.put("arbitraryStream/cut-mid-payload", input(0, 0, 0x3f, Arrays.copyOf(mainnet, 60)));
        V1FrameEncoder encoder = new V1FrameEncoder(Network.MAINNET);
        s.put("arbitraryStream/oversize-for-cap-1000", input(0, 3, 0x3f,
                encoder.encode(new NetworkMessage("headers", new byte[2000]))));
        byte[] badChecksum = encoder.encode(new NetworkMessage("ping", new byte[8]));
        badChecksum[20] ^= 1;
        s.put("arbitraryStream/bad-checksum", input(0, 0, 0x3f, badChecksum));
        byte[] badCommand = encoder.encode(new NetworkMessage("verack", new byte[0]));
        badCommand[4 + 8] = 'x'; // after the NUL padding started
        s.put("arbitraryStream/command-not-nul-padded", input(0, 0, 0x3f, badCommand));
        return s;
    }

    /** What a bitcoinj wallet sends first: version, verack, sendaddrv2, ping. */
    private static byte[] stream(Network network) {
        V1FrameEncoder encoder = new V1FrameEncoder(network);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encoder.encode(new NetworkMessage("version", FuzzSeedWriter.randomBytes(1, 102))));
        out.writeBytes(encoder.encode(new NetworkMessage("verack", new byte[0])));
        out.writeBytes(encoder.encode(new NetworkMessage("sendaddrv2", new byte[0])));
        out.writeBytes(encoder.encode(new NetworkMessage("ping", FuzzSeedWriter.randomBytes(2, 8))));
        return out.toByteArray();
    }

    private static byte[] input(int network, int capIndex, int plan, byte[] stream) {
        return FuzzSeedWriter.concat(new byte[] {(byte) (network | capIndex << 1), (byte) plan}, stream);
    }
}

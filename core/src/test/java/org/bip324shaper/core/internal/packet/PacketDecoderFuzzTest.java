package org.bip324shaper.core.internal.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.testing.Chunks;
import org.bip324shaper.core.testing.FuzzSeedWriter;

/**
 * Fuzz targets for {@link PacketDecoder}. Without {@code JAZZER_FUZZ} they replay the seed corpus in
 * {@code src/test/resources/.../PacketDecoderFuzzTestInputs/<method>/} as ordinary tests.
 */
class PacketDecoderFuzzTest {
    /** The keys the seed streams were encrypted with, so that mutations start from packets that authenticate. */
    static final byte[] LENGTH_KEY = key(1);
    static final byte[] PACKET_KEY = key(101);
    /** Caps the first input byte chooses between. */
    static final int[] CAPS = {PacketDecoder.DEFAULT_MAX_CONTENTS, 0, 1, 64, 1000, 70_000};
    private static final int BODY_OVERHEAD = PacketEncoder.OVERHEAD - PacketEncoder.LENGTH_FIELD_LENGTH;

    /**
     * Input: cap selector, plan length n (low 3 bits), n chunk-plan bytes, then the stream. Whatever a peer sends, the
     * decoder returns packets within the cap or throws one of its two documented exceptions, consumes every byte it
     * is given, and never holds a body buffer larger than the largest body announced within the cap, nor larger than
     * twice what actually arrived.
     */
    @FuzzTest(maxDuration = "30s")
    void arbitraryStream(byte[] data) throws Bip324Exception {
        if (data.length < 2) {
            return;
        }
        int cap = CAPS[(data[0] & 0xff) % CAPS.length];
        int planLength = Math.min(data[1] & 7, data.length - 2);
        byte[] plan = Arrays.copyOfRange(data, 2, 2 + planLength);
        byte[] stream = Arrays.copyOfRange(data, 2 + planLength, data.length);
        PacketDecoder decoder = PacketDecoder.withKeys(LENGTH_KEY, PACKET_KEY, cap, AeadBackend.preferred());
        long fed = 0;
        try {
            for (ByteBuffer piece : Chunks.split(stream, plan)) {
                fed += piece.remaining();
                while (piece.hasRemaining()) {
                    int before = piece.remaining();
                    Packet p = decoder.decode(piece);
                    assertTrue(piece.remaining() < before, "no progress");
                    if (p == null) {
                        assertFalse(piece.hasRemaining(), "null with bytes left");
                    } else {
                        assertTrue(p.contents().length <= cap, "packet over the cap");
                    }
                    checkMemory(decoder, cap, fed);
                }
            }
        } catch (OversizeException e) {
            assertTrue(e.announced() > cap, "oversize below the cap");
            assertEquals(cap, e.limit());
            checkMemory(decoder, cap, fed);
            assertThrows(HandshakeStateException.class, () -> decoder.decode(ByteBuffer.allocate(1)));
        } catch (AuthenticationException e) {
            assertThrows(HandshakeStateException.class, () -> decoder.decode(ByteBuffer.allocate(1)));
        }
    }

    /**
     * Packets a genuine encoder wrote, maybe with one byte changed, under any chunking and cap. Every packet before
     * the changed (or over-cap) one arrives intact and in order; the changed one never decodes.
     */
    @FuzzTest(maxDuration = "30s")
    void encodedStream(FuzzedDataProvider d) throws Bip324Exception {
        int cap = d.consumeBoolean() ? PacketDecoder.DEFAULT_MAX_CONTENTS : d.consumeInt(0, 5000);
        byte[] aad = d.consumeBytes(d.consumeInt(0, 64));
        int count = d.consumeInt(1, 8);
        PacketEncoder encoder = PacketEncoder.withKeys(LENGTH_KEY, PACKET_KEY, AeadBackend.preferred());
        List<Packet> sent = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            boolean ignore = d.consumeBoolean();
            byte[] contents = Arrays.copyOf(d.consumeBytes(64), d.consumeInt(0, 6000));
            sent.add(new Packet(ignore, contents.clone()));
            wire.writeBytes(encoder.encode(contents, ignore, i == 0 ? aad : null));
            ends.add(wire.size());
        }
        byte[] stream = wire.toByteArray();
        int tampered = -1;
        if (d.consumeBoolean()) {
            int at = d.consumeInt(0, stream.length - 1);
            stream[at] ^= (byte) d.consumeInt(1, 255);
            tampered = at;
        }
        byte[] plan = d.consumeBytes(16);
        // The first packet that must not decode: the tampered one or the first over the cap.
        int stop = count;
        for (int i = 0; i < count; i++) {
            int start = i == 0 ? 0 : ends.get(i - 1);
            if ((tampered >= start && tampered < ends.get(i)) || sent.get(i).contents().length > cap) {
                stop = i;
                break;
            }
        }
        boolean stoppedByCap = stop < count
                && (tampered < (stop == 0 ? 0 : ends.get(stop - 1)) || tampered >= ends.get(stop));
        PacketDecoder decoder = PacketDecoder.withKeys(LENGTH_KEY, PACKET_KEY, cap, AeadBackend.preferred());
        List<Packet> received = new ArrayList<>();
        Exception thrown = null;
        try {
            for (ByteBuffer piece : Chunks.split(stream, plan)) {
                while (piece.hasRemaining()) {
                    Packet p = decoder.decode(piece, received.isEmpty() ? aad : null);
                    if (p != null) {
                        received.add(p);
                    }
                }
            }
        } catch (OversizeException | AuthenticationException e) {
            thrown = e;
        }
        // Everything before `stop` arrives, nothing from `stop` on.
        assertEquals(stop, received.size(), "packets delivered (" + thrown + ")");
        for (int i = 0; i < received.size(); i++) {
            assertEquals(sent.get(i).ignore(), received.get(i).ignore());
            assertArrayEquals(sent.get(i).contents(), received.get(i).contents(), "packet " + i);
        }
        if (stop == count) {
            assertEquals(null, thrown);
            assertEquals(0, decoder.bufferedBytes());
        } else if (stoppedByCap) {
            // An intact length over the cap is refused as soon as it is read.
            assertTrue(thrown instanceof OversizeException, "over-cap packet: " + thrown);
        }
    }

    private static void checkMemory(PacketDecoder decoder, int cap, long fed) {
        int capacity = decoder.bodyBufferCapacity();
        assertTrue(capacity <= cap + BODY_OVERHEAD, "body buffer " + capacity + " beyond the cap " + cap);
        assertTrue(capacity <= Math.max(PacketDecoder.INITIAL_BODY_BUFFER, 2 * fed),
                "body buffer " + capacity + " after only " + fed + " bytes");
        assertTrue(decoder.bufferedBytes() <= fed);
    }

    static byte[] key(int first) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (first + i);
        }
        return k;
    }

    /** The seed corpus (see {@link FuzzSeedWriter}). */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        s.put("arbitraryStream/one-ping", input(0, new byte[0], packets(new int[] {9}, false)));
        s.put("arbitraryStream/decoy-then-two-one-and-six-byte-chunks",
                input(0, new byte[] {0, 5}, packets(new int[] {100, 9, 2000}, true)));
        s.put("arbitraryStream/over-cap-64", input(3, new byte[0], packets(new int[] {100}, false)));
        byte[] big = packets(new int[] {100_000}, false);
        s.put("arbitraryStream/announces-100k-sends-50", input(0, new byte[0], Arrays.copyOf(big, 53)));
        s.put("arbitraryStream/cap-0-two-empty", input(1, new byte[0], packets(new int[] {0, 0}, false)));
        byte[] tampered = packets(new int[] {9}, false);
        tampered[tampered.length - 1] ^= 1;
        s.put("arbitraryStream/tampered-tag", input(0, new byte[0], tampered));
        s.put("arbitraryStream/5000-in-4096-chunks", input(4, new byte[] {0x7f}, packets(new int[] {5000}, false)));
        FuzzSeedWriter.addRandomSeeds(s, "encodedStream");
        return s;
    }

    /** A fresh encoder's packets with these contents lengths; the first one a decoy if asked. */
    private static byte[] packets(int[] lengths, boolean firstIsDecoy) {
        PacketEncoder encoder = PacketEncoder.withKeys(LENGTH_KEY, PACKET_KEY, AeadBackend.preferred());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lengths.length; i++) {
            out.writeBytes(encoder.encode(new byte[lengths[i]], i == 0 && firstIsDecoy, null));
        }
        return out.toByteArray();
    }

    private static byte[] input(int capIndex, byte[] plan, byte[] stream) {
        byte[] head = new byte[2 + plan.length];
        head[0] = (byte) capIndex;
        head[1] = (byte) plan.length;
        System.arraycopy(plan, 0, head, 2, plan.length);
        return FuzzSeedWriter.concat(head, stream);
    }
}

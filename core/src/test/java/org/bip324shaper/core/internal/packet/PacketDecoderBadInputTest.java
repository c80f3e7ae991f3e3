package org.bip324shaper.core.internal.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.FsChaCha20;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class PacketDecoderBadInputTest {
    private static final SessionKeys KEYS = PacketRoundTripTest.keys(42, true);
    private static final byte[] CONTENTS = {10, 20, 30, 40, 50};

    private static PacketDecoder peerDecoder(int cap, AeadBackend backend) {
        return PacketDecoder.withKeys(KEYS.sendLengthKey(), KEYS.sendPacketKey(), cap, backend);
    }

    /** The wire bytes of our second packet (the first one is consumed too, so the flips hit a running cipher). */
    private static byte[][] twoPackets(AeadBackend backend) {
        PacketEncoder encoder = PacketEncoder.sending(KEYS, backend);
        return new byte[][] {encoder.encode(new byte[] {1}, false, null), encoder.encode(CONTENTS, false, new byte[] {7})};
    }

    static Stream<Arguments> capsAndBackends() {
        return Stream.of(AeadBackend.values()).flatMap(b -> Stream.of(
                Arguments.of(PacketDecoder.DEFAULT_MAX_CONTENTS, b), Arguments.of(64, b), Arguments.of(5, b)));
    }

    @ParameterizedTest(name = "cap {0}, {1}")
    @MethodSource("capsAndBackends")
    void everyFlippedBitIsRejectedWithTheRightException(int cap, AeadBackend backend) throws Exception {
        byte[][] packets = twoPackets(backend);
        byte[] wire = packets[1];
        assertEquals(CONTENTS.length + 20, wire.length);
        ByteBuffer filler = ByteBuffer.allocate(64 * 1024);
        for (int bit = 0; bit < 8 * wire.length; bit++) {
            byte[] bad = wire.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            PacketDecoder decoder = peerDecoder(cap, backend);
            assertNotNull(decoder.decode(ByteBuffer.wrap(packets[0])));
            int capacityBefore = decoder.bodyBufferCapacity();

            // The length field is a plain stream cipher: flipping its bit i flips bit i of the length.
            long announced = bit < 24 ? CONTENTS.length ^ (1L << bit) : CONTENTS.length;
            Class<? extends Bip324Exception> expected = announced > cap ? OversizeException.class
                    : AuthenticationException.class;
            Bip324Exception thrown = null;
            long fed = 0;
            try {
                assertNull(decoder.decode(ByteBuffer.wrap(bad), new byte[] {7}), "bit " + bit);
                fed = bad.length;
                // A longer (still allowed) length waits for more bytes; give them until the decoder decides.
                while (fed <= announced + 20) {
                    filler.clear();
                    assertNull(decoder.decode(filler, new byte[] {7}), "bit " + bit);
                    fed += filler.capacity();
                }
                fail("bit " + bit + ": no exception after " + fed + " bytes");
            } catch (Bip324Exception e) {
                thrown = e;
            }
            assertInstanceOf(expected, thrown, "bit " + bit);
            if (thrown instanceof OversizeException oversize) {
                assertEquals(announced, oversize.announced());
                assertEquals(cap, oversize.limit());
                assertEquals(capacityBefore, decoder.bodyBufferCapacity(), "allocated for an oversize packet");
            }
            assertTrue(thrown.getMessage() != null && !thrown.getMessage().contains("10, 20"));
            assertThrows(HandshakeStateException.class, () -> decoder.decode(ByteBuffer.wrap(packets[1])));
        }
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void aTruncatedPacketIsNeverReturned(AeadBackend backend) throws Exception {
        byte[][] packets = twoPackets(backend);
        byte[] wire = packets[1];
        for (int cut = 0; cut < wire.length; cut++) {
            PacketDecoder decoder = peerDecoder(100, backend);
            decoder.decode(ByteBuffer.wrap(packets[0]));
            ByteBuffer head = ByteBuffer.wrap(wire, 0, cut);
            assertNull(decoder.decode(head, new byte[] {7}), "cut at " + cut);
            assertEquals(0, head.remaining());
            assertEquals(cut, decoder.bufferedBytes());
            // ...and the rest completes it: the prefix was consumed, not lost.
            Packet packet = decoder.decode(ByteBuffer.wrap(wire, cut, wire.length - cut), new byte[] {7});
            assertEquals(new Packet(false, CONTENTS), packet, "cut at " + cut);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void aTooLongLengthFailsBeforeTheBodyArrives(AeadBackend backend) {
        for (int announced : new int[] {1001, 4_000_014, PacketEncoder.MAX_CONTENTS}) {
            int cap = announced == 1001 ? 1000 : PacketDecoder.DEFAULT_MAX_CONTENTS;
            FsChaCha20 lengthCipher = new FsChaCha20(KEYS.sendLengthKey());
            byte[] field = {(byte) announced, (byte) (announced >>> 8), (byte) (announced >>> 16)};
            lengthCipher.crypt(field, 0, field, 0);
            PacketDecoder decoder = peerDecoder(cap, backend);
            OversizeException e = assertThrows(OversizeException.class, () -> decoder.decode(ByteBuffer.wrap(field)));
            assertEquals(announced, e.announced());
            assertEquals(cap, e.limit());
            assertEquals(0, decoder.bodyBufferCapacity());
            assertThrows(HandshakeStateException.class, () -> decoder.decode(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void theBodyBufferGrowsWithWhatArrivesNotWithWhatIsAnnounced() throws Exception {
        byte[] contents = new byte[4_000_000];
        new Random(3).nextBytes(contents);
        byte[] wire = PacketEncoder.sending(KEYS, AeadBackend.preferred()).encode(contents, false, null);
        PacketDecoder decoder = peerDecoder(PacketDecoder.DEFAULT_MAX_CONTENTS, AeadBackend.preferred());

        assertNull(decoder.decode(ByteBuffer.wrap(wire, 0, 13)));
        assertEquals(PacketDecoder.INITIAL_BODY_BUFFER, decoder.bodyBufferCapacity());
        assertNull(decoder.decode(ByteBuffer.wrap(wire, 13, 100_000)));
        assertTrue(decoder.bodyBufferCapacity() <= 2 * PacketDecoder.INITIAL_BODY_BUFFER);
        assertNull(decoder.decode(ByteBuffer.wrap(wire, 100_013, 1_000_000)));
        assertTrue(decoder.bodyBufferCapacity() <= 2 * 1_100_010, "capacity " + decoder.bodyBufferCapacity());
        Packet packet = decoder.decode(ByteBuffer.wrap(wire, 1_100_013, wire.length - 1_100_013));
        assertTrue(Arrays.equals(contents, packet.contents()));
        assertEquals(contents.length + 17, decoder.bodyBufferCapacity());

        // A small packet announced right after still starts from the retained buffer, without a new allocation.
        PacketDecoder fresh = peerDecoder(PacketDecoder.DEFAULT_MAX_CONTENTS, AeadBackend.preferred());
        byte[] small = PacketEncoder.sending(KEYS, AeadBackend.preferred()).encode(new byte[10], false, null);
        assertNull(fresh.decode(ByteBuffer.wrap(small, 0, 5)));
        assertEquals(27, fresh.bodyBufferCapacity());
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void theFirstPacketNeedsItsAad(AeadBackend backend) throws Exception {
        byte[] garbage = {1, 2, 3};
        byte[] wire = PacketEncoder.sending(KEYS, backend).encode(new byte[0], false, garbage);
        assertThrows(AuthenticationException.class, () -> peerDecoder(10, backend).decode(ByteBuffer.wrap(wire)));
        assertThrows(AuthenticationException.class,
                () -> peerDecoder(10, backend).decode(ByteBuffer.wrap(wire), new byte[] {1, 2}));
        assertEquals(new Packet(false, new byte[0]), peerDecoder(10, backend).decode(ByteBuffer.wrap(wire), garbage));
    }

    @Test
    void aDestroyedDecoderRefusesWork() {
        PacketDecoder decoder = peerDecoder(10, AeadBackend.BOUNCY_CASTLE);
        decoder.destroy();
        assertTrue(decoder.isDestroyed());
        assertThrows(HandshakeStateException.class, () -> decoder.decode(ByteBuffer.allocate(3)));
    }

    @Test
    void rejectsAnImpossibleCap() {
        assertThrows(IllegalArgumentException.class, () -> peerDecoder(-1, AeadBackend.JDK));
        assertThrows(IllegalArgumentException.class, () -> peerDecoder(PacketEncoder.MAX_CONTENTS + 1, AeadBackend.JDK));
    }
}

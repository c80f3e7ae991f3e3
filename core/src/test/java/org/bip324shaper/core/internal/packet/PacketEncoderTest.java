package org.bip324shaper.core.internal.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PacketEncoderTest {
    private static final SessionKeys KEYS = PacketRoundTripTest.keys(77, false);

    private static PacketDecoder peer() {
        return PacketDecoder.withKeys(KEYS.sendLengthKey(), KEYS.sendPacketKey(), PacketEncoder.MAX_CONTENTS, AeadBackend.preferred());
    }

    @Test
    void wireLengthIsContentsPlusTwenty() {
        assertEquals(20, PacketEncoder.wireLength(0));
        assertEquals(21, PacketEncoder.wireLength(1));
        assertEquals(PacketEncoder.MAX_CONTENTS + 20, PacketEncoder.wireLength(PacketEncoder.MAX_CONTENTS));
        assertThrows(IllegalArgumentException.class, () -> PacketEncoder.wireLength(-1));
        assertThrows(IllegalArgumentException.class, () -> PacketEncoder.wireLength(PacketEncoder.MAX_CONTENTS + 1));
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void rejectedCallsLeaveTheEncoderUsable(AeadBackend backend) throws Exception {
        PacketEncoder encoder = PacketEncoder.sending(KEYS, backend);
        ByteBuffer tooLong = ByteBuffer.allocate(PacketEncoder.MAX_CONTENTS + 1);
        assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(tooLong, false, null, ByteBuffer.allocate(10)));
        assertEquals(0, tooLong.position());

        ByteBuffer contents = ByteBuffer.wrap(new byte[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(contents, false, null, ByteBuffer.allocate(22)));
        assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(contents, false, null, ByteBuffer.allocate(23).asReadOnlyBuffer()));
        assertEquals(3, contents.remaining());
        assertEquals(0, encoder.packetCount());

        byte[] wire = encoder.encode(new byte[] {1, 2, 3}, false, null);
        assertEquals(new Packet(false, new byte[] {1, 2, 3}), peer().decode(ByteBuffer.wrap(wire)));
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void heapAndDirectBuffersGiveTheSameWireBytes(AeadBackend backend) {
        for (int size : new int[] {0, 5, 2048, 2049, 70_000}) {
            byte[] contents = new byte[size];
            new java.util.Random(size).nextBytes(contents);
            byte[] viaArray = PacketEncoder.sending(KEYS, backend).encode(contents, true, new byte[] {5});

            ByteBuffer src = ByteBuffer.allocateDirect(contents.length).put(contents).flip();
            ByteBuffer dst = ByteBuffer.allocateDirect(contents.length + 30);
            dst.position(4);
            int n = PacketEncoder.sending(KEYS, backend).encode(src, true, new byte[] {5}, dst);
            assertEquals(contents.length + 20, n);
            assertEquals(4 + n, dst.position());
            assertEquals(0, src.remaining());
            byte[] viaDirect = new byte[n];
            dst.flip().position(4);
            dst.get(viaDirect);
            assertArrayEquals(viaArray, viaDirect, "size " + size);
        }
    }

    @Test
    void theIgnoreBitMarksDecoysAndChangesTheCiphertext() throws Exception {
        byte[] real = PacketEncoder.sending(KEYS, AeadBackend.preferred()).encode(new byte[] {9}, false, null);
        byte[] decoy = PacketEncoder.sending(KEYS, AeadBackend.preferred()).encode(new byte[] {9}, true, null);
        assertArrayEquals(java.util.Arrays.copyOf(real, 3), java.util.Arrays.copyOf(decoy, 3));
        assertNotEquals(real[3], decoy[3]);
        assertEquals(new Packet(true, new byte[] {9}), peer().decode(ByteBuffer.wrap(decoy)));
    }

    @Test
    void aDestroyedEncoderRefusesWork() {
        PacketEncoder encoder = PacketEncoder.sending(KEYS, AeadBackend.preferred());
        encoder.destroy();
        assertThrows(HandshakeStateException.class, () -> encoder.encode(new byte[1], false, null));
    }

    @Test
    void packetsCompareByContentAndNeverPrintIt() {
        Packet a = new Packet(false, new byte[] {0x41, 0x42});
        assertEquals(a, new Packet(false, new byte[] {0x41, 0x42}));
        assertEquals(a.hashCode(), new Packet(false, new byte[] {0x41, 0x42}).hashCode());
        assertNotEquals(a, new Packet(true, new byte[] {0x41, 0x42}));
        assertNotEquals(a, new Packet(false, new byte[] {0x41}));
        assertFalse(a.toString().contains("65") || a.toString().contains("41") || a.toString().contains("AB"));
        assertThrows(NullPointerException.class, () -> new Packet(false, null));
    }

    @Test
    void theSharedLimitsAreTheEncodersOwn() {
        assertEquals(PacketEncoder.OVERHEAD, org.bip324shaper.core.ProtocolLimits.PACKET_OVERHEAD);
        byte[] wire = PacketEncoder.sending(KEYS, AeadBackend.preferred()).encode(new byte[7], false, null);
        assertEquals(7 + org.bip324shaper.core.ProtocolLimits.PACKET_OVERHEAD, wire.length);
    }
}

package org.bip324shaper.core.internal.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.bip324shaper.core.internal.packet.PacketStreams.Chunking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PacketRoundTripTest {
    static SessionKeys keys(long seed, boolean initiator) {
        byte[] secret = new byte[32];
        new Random(seed).nextBytes(secret);
        return SessionKeys.derive(secret, Network.REGTEST, initiator);
    }

    static Stream<Arguments> backendPairsAndChunkings() {
        List<Arguments> cases = new ArrayList<>();
        for (AeadBackend enc : AeadBackend.values()) {
            for (AeadBackend dec : AeadBackend.values()) {
                for (Chunking chunking : Chunking.values()) {
                    for (boolean direct : new boolean[] {false, true}) {
                        cases.add(Arguments.of(enc, dec, chunking, direct));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}, {2}, direct={3}")
    @MethodSource("backendPairsAndChunkings")
    void randomPacketsSurviveAnyChunking(AeadBackend encBackend, AeadBackend decBackend, Chunking chunking,
            boolean direct) throws Exception {
        long seed = 31L * encBackend.ordinal() + 7L * decBackend.ordinal() + chunking.ordinal() + (direct ? 100 : 0);
        Random random = new Random(seed);
        SessionKeys alice = keys(seed, true);
        SessionKeys bob = keys(seed, false);
        PacketEncoder encoder = PacketEncoder.sending(alice, encBackend);
        PacketDecoder decoder = PacketDecoder.receiving(bob, PacketDecoder.DEFAULT_MAX_CONTENTS, decBackend);

        byte[] garbage = new byte[random.nextInt(4096)];
        random.nextBytes(garbage);
        List<Packet> sent = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int count = chunking == Chunking.ONE_BYTE ? 470 : 700; // both cross the rekeys after packets 223 and 447
        for (int i = 0; i < count; i++) {
            int size = random.nextInt(10) == 0 ? random.nextInt(chunking == Chunking.ONE_BYTE ? 70_000 : 140_000)
                    : random.nextInt(300);
            byte[] contents = new byte[size];
            random.nextBytes(contents);
            boolean decoy = random.nextInt(4) == 0;
            sent.add(new Packet(decoy, contents));
            wire.writeBytes(encoder.encode(contents, decoy, i == 0 ? garbage : null));
        }
        List<Packet> received = PacketStreams.decodeAll(decoder, wire.toByteArray(), chunking, direct, random, garbage);
        assertEquals(sent, received, "seed " + seed);
        assertEquals(count, decoder.packetCount());
        assertEquals(0, decoder.bufferedBytes());
    }

    @Test
    void bothBackendsWriteIdenticalStreamsAcrossRekeys() throws Exception {
        SessionKeys keys = keys(5, false);
        PacketEncoder bc = PacketEncoder.sending(keys, AeadBackend.BOUNCY_CASTLE);
        PacketEncoder jdk = PacketEncoder.sending(keys, AeadBackend.JDK);
        PacketDecoder fromBc = PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), 1000, AeadBackend.JDK);
        PacketDecoder fromJdk = PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), 1000, AeadBackend.BOUNCY_CASTLE);
        Random random = new Random(6);
        for (int i = 0; i < 1000; i++) {
            byte[] contents = new byte[random.nextInt(1000)];
            random.nextBytes(contents);
            byte[] a = bc.encode(contents, i % 5 == 0, null);
            byte[] b = jdk.encode(contents, i % 5 == 0, null);
            assertArrayEquals(a, b, "packet " + i);
            assertArrayEquals(contents, fromBc.decode(ByteBuffer.wrap(a)).contents(), "packet " + i);
            assertArrayEquals(contents, fromJdk.decode(ByteBuffer.wrap(b)).contents(), "packet " + i);
        }
    }

    @Test
    void takesAtMostOnePacketFromTheBuffer() throws Exception {
        SessionKeys keys = keys(9, true);
        PacketEncoder encoder = PacketEncoder.sending(keys, AeadBackend.preferred());
        ByteBuffer stream = ByteBuffer.allocate(300);
        encoder.encode(ByteBuffer.wrap(new byte[] {1, 2, 3}), false, null, stream);
        encoder.encode(ByteBuffer.wrap(new byte[] {4}), true, null, stream);
        encoder.encode(ByteBuffer.wrap(new byte[0]), false, null, stream);
        stream.put(new byte[] {9, 9}); // the start of a fourth packet
        stream.flip();

        PacketDecoder decoder = PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), 100, AeadBackend.preferred());
        assertEquals(new Packet(false, new byte[] {1, 2, 3}), decoder.decode(stream));
        assertEquals(23, stream.position());
        assertEquals(new Packet(true, new byte[] {4}), decoder.decode(stream));
        assertEquals(44, stream.position());
        assertEquals(new Packet(false, new byte[0]), decoder.decode(stream));
        assertEquals(64, stream.position());
        assertNull(decoder.decode(stream));
        assertEquals(66, stream.position());
        assertEquals(2, decoder.bufferedBytes());
    }

    @Test
    void headerBitsOtherThanIgnoreAreIgnored() throws Exception {
        // Only bit 7 means anything today; a future header bit must not turn a packet into a decoy or an error.
        SessionKeys keys = keys(11, true);
        org.bip324shaper.core.internal.crypto.FsChaCha20 length = new org.bip324shaper.core.internal.crypto.FsChaCha20(
                keys.sendLengthKey());
        org.bip324shaper.core.internal.crypto.FsChaCha20Poly1305 aead = new org.bip324shaper.core.internal.crypto.FsChaCha20Poly1305(
                keys.sendPacketKey());
        byte[] lengthField = {2, 0, 0};
        length.crypt(lengthField, 0, lengthField, 0);
        byte[] body = aead.encrypt(null, new byte[] {0x7f, 5, 6});
        ByteBuffer wire = ByteBuffer.allocate(3 + body.length).put(lengthField).put(body).flip();
        PacketDecoder decoder = PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), 100, AeadBackend.preferred());
        assertEquals(new Packet(false, new byte[] {5, 6}), decoder.decode(wire));
    }
}

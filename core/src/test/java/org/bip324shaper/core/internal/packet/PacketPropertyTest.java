package org.bip324shaper.core.internal.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.testing.ArbitraryBytes;
import org.bip324shaper.core.testing.Chunks;

/** Packets come out of the decoder as they went into the encoder, whatever pieces the stream arrives in. */
class PacketPropertyTest {

    @Property(tries = 200)
    void packetsRoundTripUnderAnyChunking(@ForAll("packetLists") List<Packet> packets, @ForAll("plans") byte[] plan,
            @ForAll("aads") byte[] aad, @ForAll boolean direct) throws Bip324Exception {
        PacketEncoder encoder = PacketEncoder.withKeys(PacketDecoderFuzzTest.LENGTH_KEY, PacketDecoderFuzzTest.PACKET_KEY, AeadBackend.preferred());
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            stream.writeBytes(encoder.encode(p.contents(), p.ignore(), i == 0 ? aad : null));
        }
        PacketDecoder decoder = PacketDecoder.withKeys(PacketDecoderFuzzTest.LENGTH_KEY, PacketDecoderFuzzTest.PACKET_KEY, PacketDecoder.DEFAULT_MAX_CONTENTS, AeadBackend.preferred());
        List<Packet> decoded = new ArrayList<>();
        for (ByteBuffer piece : Chunks.split(stream.toByteArray(), plan)) {
            ByteBuffer src = direct ? ByteBuffer.allocateDirect(piece.remaining()).put(piece).flip() : piece;
            while (src.hasRemaining()) {
                Packet p = decoder.decode(src, decoded.isEmpty() ? aad : null);
                if (p != null) {
                    decoded.add(p);
                }
            }
        }
        assertEquals(packets, decoded);
        assertEquals(0, decoder.bufferedBytes());
    }

    @Provide
    static Arbitrary<List<Packet>> packetLists() {
        Arbitrary<byte[]> contents = Arbitraries.frequencyOf(
                Tuple.of(9, ArbitraryBytes.sized(0, 300)),
                Tuple.of(1, ArbitraryBytes.sized(0, 100_000)));
        return Combinators.combine(Arbitraries.of(true, false), contents).as(Packet::new).list().ofMaxSize(10);
    }

    @Provide
    static Arbitrary<byte[]> plans() {
        return ArbitraryBytes.plans();
    }

    @Provide
    static Arbitrary<byte[]> aads() {
        return ArbitraryBytes.sized(0, 4095);
    }
}

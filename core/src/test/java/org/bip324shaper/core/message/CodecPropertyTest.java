package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.bip324shaper.core.Network;
import org.bip324shaper.core.testing.ArbitraryBytes;
import org.bip324shaper.core.testing.Chunks;

/** Round trips of the v2 and v1 message codecs for any message, and for v1 under any chunking of the stream. */
class CodecPropertyTest {

    @Property(tries = 300)
    void v2DecodeInvertsEncode(@ForAll("messages") NetworkMessage message) throws Bip324Exception {
        V2Decoded decoded = V2MessageCodec.decode(V2MessageCodec.encode(message));
        assertEquals(new V2Decoded.Message(message), decoded);
    }

    @Property(tries = 200)
    void v1StreamDecodesToTheSameMessagesUnderAnyChunking(@ForAll("messageLists") List<NetworkMessage> messages,
            @ForAll("plans") byte[] plan, @ForAll("networks") Network network) throws Bip324Exception {
        V1FrameEncoder encoder = new V1FrameEncoder(network);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (NetworkMessage m : messages) {
            stream.writeBytes(encoder.encode(m));
        }
        V1FrameDecoder decoder = new V1FrameDecoder(network);
        List<NetworkMessage> decoded = new ArrayList<>();
        for (ByteBuffer piece : Chunks.split(stream.toByteArray(), plan)) {
            while (piece.hasRemaining()) {
                NetworkMessage m = decoder.decode(piece);
                if (m != null) {
                    decoded.add(m);
                }
            }
        }
        assertEquals(messages, decoded);
        assertArrayEquals(new byte[0], decoder.pendingBytes());
    }

    @Provide
    static Arbitrary<NetworkMessage> messages() {
        Arbitrary<String> known = Arbitraries.of("ping", "pong", "inv", "tx", "headers", "block", "addrv2", "version",
                "verack", "sendaddrv2", "wtxidrelay", "getdata", "cmpctblock");
        Arbitrary<String> any = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(12);
        Arbitrary<byte[]> payload = Arbitraries.frequencyOf(
                Tuple.of(9, ArbitraryBytes.sized(0, 300)),
                Tuple.of(1, ArbitraryBytes.sized(0, 70_000)));
        return Combinators.combine(Arbitraries.oneOf(known, any), payload).as(NetworkMessage::new);
    }

    @Provide
    static Arbitrary<List<NetworkMessage>> messageLists() {
        return messages().list().ofMaxSize(12);
    }

    /** Chunk plans for {@link Chunks#split}: empty (whole), or up to 8 piece sizes. */
    @Provide
    static Arbitrary<byte[]> plans() {
        return ArbitraryBytes.plans();
    }

    @Provide
    static Arbitrary<Network> networks() {
        return Arbitraries.of(Network.class);
    }
}

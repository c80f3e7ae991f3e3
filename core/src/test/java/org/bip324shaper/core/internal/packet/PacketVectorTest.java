package org.bip324shaper.core.internal.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Vectors;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** packet_encoding_test_vectors.csv, every row, from the shared secret to the wire bytes and back, per backend. */
class PacketVectorTest {
    static Stream<Arguments> rowsAndBackends() {
        List<Map<String, String>> rows = Vectors.rows("packet_encoding_test_vectors.csv");
        assertEquals(7, rows.size());
        return Stream.of(AeadBackend.values())
                .flatMap(backend -> rows.stream().map(row -> Arguments.of(backend, row.get("in_idx"), row)));
    }

    static byte[] repeat(byte[] unit, int times) {
        byte[] out = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, out, i * unit.length, unit.length);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, in_idx {1}")
    @MethodSource("rowsAndBackends")
    void encodesAndDecodesTheVector(AeadBackend backend, String idx, Map<String, String> row) throws Exception {
        boolean initiating = row.get("in_initiating").equals("1");
        SessionKeys keys = SessionKeys.derive(Hex.decode(row.get("mid_shared_secret")), Network.MAINNET, initiating);
        assertEquals(row.get("mid_send_garbage_terminator"), Hex.encode(keys.sendGarbageTerminator()));
        assertEquals(row.get("mid_recv_garbage_terminator"), Hex.encode(keys.recvGarbageTerminator()));
        assertEquals(row.get("out_session_id"), Hex.encode(keys.sessionId()));

        int preceding = Integer.parseInt(idx);
        byte[] contents = repeat(Hex.decode(row.get("in_contents")), Integer.parseInt(row.get("in_multiply")));
        byte[] aad = Hex.decode(row.get("in_aad"));
        boolean ignore = row.get("in_ignore").equals("1");

        PacketEncoder encoder = PacketEncoder.sending(keys, backend);
        List<byte[]> earlier = new ArrayList<>();
        for (int i = 0; i < preceding; i++) {
            earlier.add(encoder.encode(new byte[0], false, null));
        }
        byte[] wire = encoder.encode(contents, ignore, aad);
        assertEquals(PacketEncoder.wireLength(contents.length), wire.length);
        byte[] expected = Hex.decode(row.get("out_ciphertext"));
        if (expected.length > 0) {
            assertEquals(row.get("out_ciphertext"), Hex.encode(wire));
        } else {
            byte[] suffix = Hex.decode(row.get("out_ciphertext_endswith"));
            assertFalse(suffix.length == 0);
            assertArrayEquals(suffix, Arrays.copyOfRange(wire, wire.length - suffix.length, wire.length));
            expected = wire;
        }

        // The peer's receive keys are our send keys; decode with each backend.
        for (AeadBackend decoderBackend : AeadBackend.values()) {
            PacketDecoder decoder = PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), PacketEncoder.MAX_CONTENTS, decoderBackend);
            for (byte[] packet : earlier) {
                ByteBuffer src = ByteBuffer.wrap(packet);
                assertEquals(new Packet(false, new byte[0]), decoder.decode(src));
                assertEquals(0, src.remaining());
            }
            Packet packet = decoder.decode(ByteBuffer.wrap(expected), aad);
            assertNotNull(packet);
            assertEquals(ignore, packet.ignore());
            assertArrayEquals(contents, packet.contents());
            assertEquals(preceding + 1, decoder.packetCount());
        }
    }
}

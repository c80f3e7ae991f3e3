package org.bip324shaper.core.internal.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.Bip324Exception;

/** Test helper: feeds a byte stream to a decoder in pieces, as a socket would. */
final class PacketStreams {
    enum Chunking { ONE_BYTE, RANDOM, WHOLE }

    private PacketStreams() {
    }

    /**
     * Decodes every packet in {@code wire}, handing the decoder pieces cut by {@code chunking} in heap or direct
     * buffers. The first packet gets {@code firstAad}. Checks that the decoder consumes every byte it is given.
     */
    static List<Packet> decodeAll(PacketDecoder decoder, byte[] wire, Chunking chunking, boolean direct, Random random,
            byte[] firstAad) throws Bip324Exception {
        // One buffer for the whole stream; the limit reveals it piece by piece, as reads from a socket would.
        ByteBuffer stream = direct ? ByteBuffer.allocateDirect(wire.length) : ByteBuffer.allocate(wire.length);
        stream.put(wire).flip().limit(0);
        List<Packet> packets = new ArrayList<>();
        while (stream.limit() < wire.length) {
            int size = switch (chunking) {
                case ONE_BYTE -> 1;
                case RANDOM -> 1 + random.nextInt(random.nextBoolean() ? 40 : 100_000);
                case WHOLE -> wire.length;
            };
            stream.limit(Math.min(wire.length, stream.limit() + size));
            while (stream.hasRemaining()) {
                int before = stream.remaining();
                Packet p = decoder.decode(stream, packets.isEmpty() ? firstAad : null);
                if (p == null) {
                    if (stream.hasRemaining()) {
                        throw new AssertionError("decoder returned null but left " + stream.remaining() + " bytes");
                    }
                } else {
                    packets.add(p);
                }
                if (stream.remaining() == before) {
                    throw new AssertionError("decoder made no progress");
                }
            }
        }
        return packets;
    }
}

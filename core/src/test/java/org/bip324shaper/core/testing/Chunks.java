package org.bip324shaper.core.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream into the pieces a socket might deliver, following a plan a fuzzer or property test chooses.
 * Each plan byte {@code b} gives one piece: {@code (b & 0x3f) + 1} bytes, times 64 when bit 6 is set, times 4096 when
 * bit 7 is set; the plan repeats, and an empty plan means one piece.
 */
public final class Chunks {
    private Chunks() {
    }

    public static List<ByteBuffer> split(byte[] stream, byte[] plan) {
        List<ByteBuffer> pieces = new ArrayList<>();
        int at = 0;
        int step = 0;
        while (at < stream.length) {
            int size = plan.length == 0 ? stream.length : pieceSize(plan[step++ % plan.length]);
            int n = Math.min(size, stream.length - at);
            pieces.add(ByteBuffer.wrap(stream, at, n).slice());
            at += n;
        }
        return pieces;
    }

    static int pieceSize(byte b) {
        int size = (b & 0x3f) + 1;
        if ((b & 0x40) != 0) {
            size *= 64;
        }
        if ((b & 0x80) != 0) {
            size *= 4096;
        }
        return size;
    }
}

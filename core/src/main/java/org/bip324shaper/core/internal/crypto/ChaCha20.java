package org.bip324shaper.core.internal.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The RFC 8439 ChaCha20 block function and stream cipher (32-bit block counter, 96-bit nonce), for the packet sizes
 * where a per-message JCE initialisation costs more than the cipher itself.
 *
 * <p>Constant-time: only additions, XORs and fixed rotations of 32-bit words, no branches or memory indices that
 * depend on the key or the data. Holds one key; not thread-safe.
 */
final class ChaCha20 {
    static final int BLOCK_LENGTH = 64;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    private int k0, k1, k2, k3, k4, k5, k6, k7;
    private int n0, n1, n2;
    /** The last block's keystream, for a partial block (wiped after use). */
    private final int[] block = new int[16];
    private final byte[] partial = new byte[BLOCK_LENGTH];

    /** Uses {@code key32} (read, not kept) from now on. */
    void setKey(byte[] key32, int offset) {
        k0 = (int) INT_LE.get(key32, offset);
        k1 = (int) INT_LE.get(key32, offset + 4);
        k2 = (int) INT_LE.get(key32, offset + 8);
        k3 = (int) INT_LE.get(key32, offset + 12);
        k4 = (int) INT_LE.get(key32, offset + 16);
        k5 = (int) INT_LE.get(key32, offset + 20);
        k6 = (int) INT_LE.get(key32, offset + 24);
        k7 = (int) INT_LE.get(key32, offset + 28);
    }

    /** Uses this 12-byte nonce for the following calls. */
    void setNonce(byte[] nonce12) {
        n0 = (int) INT_LE.get(nonce12, 0);
        n1 = (int) INT_LE.get(nonce12, 4);
        n2 = (int) INT_LE.get(nonce12, 8);
    }

    /** The keystream block for {@code counter}, as 16 little-endian words, into {@link #block}. */
    int[] keystreamBlock(int counter) {
        int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
        int x4 = k0, x5 = k1, x6 = k2, x7 = k3;
        int x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        int x12 = counter, x13 = n0, x14 = n1, x15 = n2;
        for (int round = 0; round < 10; round++) {
            // column round
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16);
            x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);
            x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16);
            x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);
            x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16);
            x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);
            x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16);
            x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);
            x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonal round
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16);
            x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);
            x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16);
            x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);
            x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16);
            x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);
            x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16);
            x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);
            x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        int[] b = block;
        b[0] = x0 + C0;
        b[1] = x1 + C1;
        b[2] = x2 + C2;
        b[3] = x3 + C3;
        b[4] = x4 + k0;
        b[5] = x5 + k1;
        b[6] = x6 + k2;
        b[7] = x7 + k3;
        b[8] = x8 + k4;
        b[9] = x9 + k5;
        b[10] = x10 + k6;
        b[11] = x11 + k7;
        b[12] = x12 + counter;
        b[13] = x13 + n0;
        b[14] = x14 + n1;
        b[15] = x15 + n2;
        return b;
    }

    /**
     * XORs {@code len} bytes of keystream, starting at block {@code counter}, over {@code in} into {@code out}. In
     * place (same array and offset) is allowed.
     */
    void xor(int counter, byte[] in, int inOff, byte[] out, int outOff, int len) {
        while (len >= BLOCK_LENGTH) {
            int[] b = keystreamBlock(counter++);
            for (int i = 0; i < 16; i++) {
                INT_LE.set(out, outOff + 4 * i, (int) INT_LE.get(in, inOff + 4 * i) ^ b[i]);
            }
            inOff += BLOCK_LENGTH;
            outOff += BLOCK_LENGTH;
            len -= BLOCK_LENGTH;
        }
        if (len > 0) {
            int[] b = keystreamBlock(counter);
            byte[] p = partial;
            for (int i = 0; i < 16; i++) {
                INT_LE.set(p, 4 * i, b[i]);
            }
            for (int i = 0; i < len; i++) {
                out[outOff + i] = (byte) (in[inOff + i] ^ p[i]);
            }
            Arrays.fill(p, (byte) 0);
        }
        Arrays.fill(block, 0);
    }

    /** Forgets the key and every keystream word still held. */
    void destroy() {
        k0 = k1 = k2 = k3 = k4 = k5 = k6 = k7 = 0;
        n0 = n1 = n2 = 0;
        Arrays.fill(block, 0);
        Arrays.fill(partial, (byte) 0);
    }
}

package org.bip324shaper.core.internal.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The RFC 8439 Poly1305 one-time authenticator, in the form the AEAD construction uses it: every segment is fed by
 * {@link #updatePadded}, which zero-pads its last partial block to 16 bytes (RFC 8439 section 2.8's {@code pad16}).
 *
 * <p>The accumulator is three 64-bit limbs (130 bits plus headroom), multiplied by the clamped r with 64x64 to 128-bit
 * products ({@code Math.multiplyHigh} with the unsigned correction), reduced lazily mod 2^130 - 5. Constant-time: no
 * branch or index depends on the key, the message or the accumulator; carries are computed with bit operations.
 */
final class Poly1305 {
    static final int TAG_LENGTH = 16;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long r0, r1, s1;
    private long pad0, pad1;
    private long h0, h1, h2;
    private final byte[] last = new byte[16];

    /** Starts a new tag with the 32-byte one-time key r || s found at {@code key[offset]}. */
    void init(byte[] key, int offset) {
        r0 = (long) LONG_LE.get(key, offset) & 0x0FFFFFFC0FFFFFFFL;
        r1 = (long) LONG_LE.get(key, offset + 8) & 0x0FFFFFFC0FFFFFFCL;
        s1 = r1 + (r1 >>> 2); // 5 * r1 / 4: r1 is a multiple of 4
        pad0 = (long) LONG_LE.get(key, offset + 16);
        pad1 = (long) LONG_LE.get(key, offset + 24);
        h0 = h1 = h2 = 0;
    }

    /** Starts a new tag with the key given as 8 little-endian words (e.g. the first half of a ChaCha20 block). */
    void init(int[] keyWords) {
        r0 = word64(keyWords, 0) & 0x0FFFFFFC0FFFFFFFL;
        r1 = word64(keyWords, 2) & 0x0FFFFFFC0FFFFFFCL;
        s1 = r1 + (r1 >>> 2);
        pad0 = word64(keyWords, 4);
        pad1 = word64(keyWords, 6);
        h0 = h1 = h2 = 0;
    }

    /** Absorbs {@code len} bytes as ceil(len / 16) blocks, the last one zero-padded. */
    void updatePadded(byte[] in, int off, int len) {
        while (len >= 16) {
            block((long) LONG_LE.get(in, off), (long) LONG_LE.get(in, off + 8));
            off += 16;
            len -= 16;
        }
        if (len > 0) {
            System.arraycopy(in, off, last, 0, len);
            block((long) LONG_LE.get(last, 0), (long) LONG_LE.get(last, 8));
            Arrays.fill(last, (byte) 0);
        }
    }

    /**
     * Absorbs {@code len} bytes as plain Poly1305 does (RFC 8439 section 2.5): a last partial block is padded with
     * 0x01 and zeros instead of getting the 2^128 bit. Ends the message; for the one-shot MAC, not the AEAD.
     */
    void updateUnpadded(byte[] in, int off, int len) {
        int full = len & ~15;
        updatePadded(in, off, full);
        int rest = len - full;
        if (rest > 0) {
            System.arraycopy(in, off + full, last, 0, rest);
            last[rest] = 1;
            block((long) LONG_LE.get(last, 0), (long) LONG_LE.get(last, 8), 0);
            Arrays.fill(last, (byte) 0);
        }
    }

    /** Absorbs one full 16-byte block given as two little-endian words. */
    void block(long m0, long m1) {
        block(m0, m1, 1);
    }

    /** h = (h + m + highBit 2^128) r, partially reduced. */
    private void block(long m0, long m1, long highBit) {
        long a0 = h0 + m0;
        long c = carry(h0, m0, a0);
        long a1 = h1 + m1 + c;
        c = carry(h1, m1, a1);
        long a2 = h2 + highBit + c;

        // h *= r, as d0 + d1 2^64 + d2 2^128, folding 2^130 = 5 into s1 = 5 r1 / 4
        long lo0 = a0 * r0;
        long hi0 = umulh(a0, r0);
        long t = a1 * s1;
        long d0 = lo0 + t;
        hi0 += umulh(a1, s1) + carry(lo0, t, d0);

        long lo1 = a0 * r1;
        long hi1 = umulh(a0, r1);
        t = a1 * r0;
        long sum = lo1 + t;
        hi1 += umulh(a1, r0) + carry(lo1, t, sum);
        t = a2 * s1; // a2 is a few bits, so this product fits 64 bits
        long d1 = sum + t;
        hi1 += carry(sum, t, d1);
        long d2 = a2 * r0;

        long e1 = d1 + hi0;
        hi1 += carry(d1, hi0, e1);
        d2 += hi1;

        // partial reduction: h = d0 + e1 2^64 + (d2 mod 4) 2^128 + 5 (d2 / 4)
        long fold = (d2 >>> 2) + (d2 & ~3L);
        long b0 = d0 + fold;
        c = carry(d0, fold, b0);
        long b1 = e1 + c;
        c = carry(e1, c, b1);
        h0 = b0;
        h1 = b1;
        h2 = (d2 & 3) + c;
    }

    /** Finishes the tag into {@code out[offset..offset+16)} and forgets the key. */
    void finish(byte[] out, int offset) {
        // h mod p: h < 2p here, so subtract p once if h + 5 reaches 2^130
        long g0 = h0 + 5;
        long c = carry(h0, 5, g0);
        long g1 = h1 + c;
        c = carry(h1, c, g1);
        long g2 = h2 + c;
        long mask = -(g2 >>> 2);
        long f0 = (h0 & ~mask) | (g0 & mask);
        long f1 = (h1 & ~mask) | (g1 & mask);
        long t0 = f0 + pad0;
        c = carry(f0, pad0, t0);
        long t1 = f1 + pad1 + c;
        LONG_LE.set(out, offset, t0);
        LONG_LE.set(out, offset + 8, t1);
        destroy();
    }

    /** Forgets the key and the accumulator. */
    void destroy() {
        r0 = r1 = s1 = pad0 = pad1 = h0 = h1 = h2 = 0;
    }

    /** The carry out of {@code sum = a + b (+ 1)}, as 0 or 1, without a branch. */
    private static long carry(long a, long b, long sum) {
        return ((a & b) | ((a | b) & ~sum)) >>> 63;
    }

    /** The high 64 bits of the unsigned 128-bit product of a and b, where b < 2^63 (the clamped key halves are). */
    private static long umulh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b);
    }

    private static long word64(int[] w, int i) {
        return (w[i] & 0xFFFFFFFFL) | ((long) w[i + 1] << 32);
    }
}

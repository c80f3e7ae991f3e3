package org.bip324shaper.bench.shape.trace;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads classic pcap files (not pcapng): both byte orders, microsecond ({@code a1b2c3d4}) and nanosecond
 * ({@code a1b23c4d}) timestamps. Streams records one at a time; each record's captured length is checked against
 * the file's snap length and a hard cap before anything is allocated.
 */
final class PcapReader {
    /** Largest record accepted whatever the header claims: 256 KiB covers every common snap length. */
    static final int MAX_RECORD = 256 * 1024;

    private final InputStream in;
    private final boolean littleEndian;
    private final boolean nanos;
    private final int snapLength;
    private final int linkType;
    private final byte[] header = new byte[16];
    private long recordNumber;
    private long offset = 24;

    /** One captured frame. */
    record Record(long number, long timeNanos, int capturedLength, int originalLength, byte[] data) {
    }

    PcapReader(InputStream in) throws IOException {
        this.in = in;
        byte[] global = new byte[24];
        if (readFully(global) < 24) {
            throw new PcapFormatException("not a pcap file: shorter than the 24-byte global header");
        }
        long magicBe = u32(global, 0, false);
        if (magicBe == 0xa1b2c3d4L || magicBe == 0xa1b23c4dL) {
            littleEndian = false;
            nanos = magicBe == 0xa1b23c4dL;
        } else {
            long magicLe = u32(global, 0, true);
            if (magicLe == 0xa1b2c3d4L || magicLe == 0xa1b23c4dL) {
                littleEndian = true;
                nanos = magicLe == 0xa1b23c4dL;
            } else if (magicBe == 0x0a0d0d0aL) {
                throw new PcapFormatException("pcapng is not supported; convert with 'editcap -F pcap in out'");
            } else {
                throw new PcapFormatException("not a pcap file: magic 0x" + Long.toHexString(magicBe));
            }
        }
        int major = u16(global, 4, littleEndian);
        if (major != 2) {
            throw new PcapFormatException("unsupported pcap version " + major + "." + u16(global, 6, littleEndian));
        }
        long snap = u32(global, 16, littleEndian);
        snapLength = snap == 0 || snap > MAX_RECORD ? MAX_RECORD : (int) snap;
        // The upper bits of the link-type field may carry an FCS length; the type is the low 16 bits.
        linkType = (int) (u32(global, 20, littleEndian) & 0xffff);
    }

    int linkType() {
        return linkType;
    }

    boolean nanosecondTimestamps() {
        return nanos;
    }

    /** The next record, or null at the end of the file. A record cut short by the file's end is an error. */
    Record next() throws IOException {
        int got = readFully(header);
        if (got == 0) {
            return null;
        }
        recordNumber++;
        if (got < 16) {
            throw new PcapFormatException("record " + recordNumber + " at byte " + offset + ": truncated header");
        }
        long seconds = u32(header, 0, littleEndian);
        long fraction = u32(header, 4, littleEndian);
        long captured = u32(header, 8, littleEndian);
        long original = u32(header, 12, littleEndian);
        if (captured > snapLength) {
            throw new PcapFormatException("record " + recordNumber + " at byte " + offset + ": captured length "
                    + captured + " exceeds the snap length " + snapLength);
        }
        if (fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            throw new PcapFormatException("record " + recordNumber + " at byte " + offset + ": sub-second part "
                    + fraction + " out of range");
        }
        byte[] data = new byte[(int) captured];
        if (readFully(data) < captured) {
            throw new PcapFormatException("record " + recordNumber + " at byte " + offset + ": file ends inside the"
                    + " record");
        }
        offset += 16 + captured;
        long time = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        return new Record(recordNumber, time, (int) captured, (int) Math.min(original, Integer.MAX_VALUE), data);
    }

    private int readFully(byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** Big-endian (network order) unsigned 16 bits. */
    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static int u16(byte[] b, int at, boolean le) {
        return le ? ((b[at + 1] & 0xff) << 8) | (b[at] & 0xff) : u16(b, at);
    }

    static long u32(byte[] b, int at, boolean le) {
        if (le) {
            return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
        }
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
    }
}

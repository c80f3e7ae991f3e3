package org.bip324shaper.bench.shape.trace;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The parts of one captured TCP segment the importer needs. Sizes come from the IP and TCP headers, not from the
 * captured bytes, so a small snap length still gives true payload sizes.
 *
 * @param timeNanos     capture time
 * @param source        sender, as {@code address:port} ({@code [v6]:port} for IPv6)
 * @param destination   receiver, same form
 * @param sourcePort    sender's port
 * @param destinationPort receiver's port
 * @param sequence      the sequence number (unsigned 32 bits)
 * @param flags         TCP flag bits (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10)
 * @param payloadLength TCP payload bytes
 */
record TcpSegment(long timeNanos, String source, String destination, int sourcePort, int destinationPort,
                  long sequence, int flags, int payloadLength) {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    static final int LINKTYPE_ETHERNET = 1;
    static final int LINKTYPE_RAW = 101;
    static final int LINKTYPE_LINUX_SLL = 113;
    static final int LINKTYPE_IPV4 = 228;
    static final int LINKTYPE_IPV6 = 229;
    static final int LINKTYPE_LINUX_SLL2 = 276;

    /** Whether the importer can read frames of this link type. */
    static boolean supportsLinkType(int linkType) {
        switch (linkType) {
            case LINKTYPE_ETHERNET:
            case LINKTYPE_RAW:
            case LINKTYPE_LINUX_SLL:
            case LINKTYPE_IPV4:
            case LINKTYPE_IPV6:
            case LINKTYPE_LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * The TCP segment in a frame, or null if the frame is not an unfragmented IPv4/IPv6 TCP segment (ARP, UDP, IP
     * fragments, frames cut too short to show the TCP header).
     */
    static TcpSegment parse(int linkType, long timeNanos, byte[] frame) {
        int at;
        int etherType;
        switch (linkType) {
            case LINKTYPE_ETHERNET:
                if (frame.length < 14) {
                    return null;
                }
                at = 12;
                etherType = PcapReader.u16(frame, at);
                at += 2;
                // 802.1Q / 802.1ad tags, possibly stacked
                while ((etherType == 0x8100 || etherType == 0x88a8) && frame.length >= at + 4) {
                    etherType = PcapReader.u16(frame, at + 2);
                    at += 4;
                }
                break;
            case LINKTYPE_LINUX_SLL:
                if (frame.length < 16) {
                    return null;
                }
                etherType = PcapReader.u16(frame, 14);
                at = 16;
                break;
            case LINKTYPE_LINUX_SLL2:
                if (frame.length < 20) {
                    return null;
                }
                etherType = PcapReader.u16(frame, 0);
                at = 20;
                break;
            case LINKTYPE_RAW:
                if (frame.length < 1) {
                    return null;
                }
                at = 0;
                etherType = (frame[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800;
                break;
            case LINKTYPE_IPV4:
                at = 0;
                etherType = 0x0800;
                break;
            case LINKTYPE_IPV6:
                at = 0;
                etherType = 0x86dd;
                break;
            default:
                return null;
        }
        if (etherType == 0x0800) {
            return ipv4(timeNanos, frame, at);
        }
        if (etherType == 0x86dd) {
            return ipv6(timeNanos, frame, at);
        }
        return null;
    }

    private static TcpSegment ipv4(long timeNanos, byte[] f, int at) {
        if (f.length < at + 20 || (f[at] & 0xf0) != 0x40) {
            return null;
        }
        int headerLength = (f[at] & 0x0f) * 4;
        int total = PcapReader.u16(f, at + 2);
        int fragment = PcapReader.u16(f, at + 6);
        boolean moreFragments = (fragment & 0x2000) != 0;
        if (headerLength < 20 || moreFragments || (fragment & 0x1fff) != 0 || (f[at + 9] & 0xff) != 6) {
            return null;
        }
        if (total == 0) {
            // Segmentation offload: the sending host captured the frame before the NIC filled in the length.
            total = f.length - at;
        }
        if (total < headerLength) {
            return null;
        }
        String src = address(f, at + 12, 4);
        String dst = address(f, at + 16, 4);
        return tcp(timeNanos, f, at + headerLength, total - headerLength, src, dst, false);
    }

    private static TcpSegment ipv6(long timeNanos, byte[] f, int at) {
        if (f.length < at + 40 || (f[at] & 0xf0) != 0x60) {
            return null;
        }
        int remaining = PcapReader.u16(f, at + 4);
        if (remaining == 0) {
            remaining = f.length - at - 40; // jumbogram or offload; take what was captured
        }
        int next = f[at + 6] & 0xff;
        String src = address(f, at + 8, 16);
        String dst = address(f, at + 24, 16);
        int p = at + 40;
        // Walk the extension headers that can precede TCP; a fragment header means we cannot size the segment.
        for (int hops = 0; next != 6; hops++) {
            if (hops > 8 || f.length < p + 8) {
                return null;
            }
            int length;
            switch (next) {
                case 0:
                case 43:
                case 60:
                    length = ((f[p + 1] & 0xff) + 1) * 8;
                    break;
                case 51:
                    length = ((f[p + 1] & 0xff) + 2) * 4;
                    break;
                default:
                    return null; // 44 (fragment), 59 (none), other protocols
            }
            next = f[p] & 0xff;
            p += length;
            remaining -= length;
            if (remaining < 0) {
                return null;
            }
        }
        return tcp(timeNanos, f, p, remaining, src, dst, true);
    }

    private static TcpSegment tcp(long timeNanos, byte[] f, int at, int tcpLength, String src, String dst,
            boolean v6) {
        if (f.length < at + 14) {
            return null;
        }
        int srcPort = PcapReader.u16(f, at);
        int dstPort = PcapReader.u16(f, at + 2);
        long seq = PcapReader.u32(f, at + 4, false);
        int dataOffset = ((f[at + 12] & 0xf0) >> 4) * 4;
        int flags = f[at + 13] & 0xff;
        if (dataOffset < 20 || tcpLength < dataOffset) {
            return null;
        }
        String source = v6 ? "[" + src + "]:" + srcPort : src + ":" + srcPort;
        String destination = v6 ? "[" + dst + "]:" + dstPort : dst + ":" + dstPort;
        return new TcpSegment(timeNanos, source, destination, srcPort, dstPort, seq, flags, tcpLength - dataOffset);
    }

    private static String address(byte[] f, int at, int length) {
        byte[] raw = new byte[length];
        System.arraycopy(f, at, raw, 0, length);
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + length + " bytes is always valid", e);
        }
    }
}

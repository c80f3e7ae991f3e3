package org.bip324shaper.bench.shape.trace;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.WireWrite;

/**
 * Turns a classic pcap capture into {@link ConnectionTrace}s of observed writes: what a passive observer of the
 * link sees.
 *
 * <p>Each TCP segment carrying new payload is one observed write of that many bytes, at its capture time (the TCP
 * payload, without IP/TCP headers: the same unit as the simulator's writes). Retransmissions are dropped by sequence
 * number: per direction the importer keeps the byte ranges already seen; a segment whose payload was all seen is
 * dropped, one that overlaps counts only its new bytes. Links: Ethernet (with VLAN tags), Linux cooked (v1, v2) and
 * raw IP; IPv4 and IPv6 (extension headers walked); IP fragments, and segments whose source and destination are the
 * same address and port, are skipped.
 *
 * <p>Caveat: a capture taken on a host with receive or segmentation offload (GRO/TSO) shows coalesced "segments"
 * larger than the MSS, e.g. 7240 = 5 x 1448 bytes; they are kept as single writes, which is what an observer on that
 * host sees, not what one on the path sees.
 */
public final class PcapImporter {
    /** The usual listening ports of bitcoin nodes: mainnet, testnet3, testnet4, signet, regtest. */
    public static final Set<Integer> BITCOIN_PORTS = Set.of(8333, 18333, 48333, 38333, 18444);
    /** Most connections one import keeps. */
    public static final int MAX_CONNECTIONS = 10_000;
    /** Most writes one import keeps over all connections. */
    public static final int MAX_WRITES = 20_000_000;

    /** Whose writes are OUTBOUND in the traces. */
    public enum Perspective {
        /** The end that opened the connection (a node's outbound peer connection): the default. */
        CONNECTOR,
        /** The end that accepted it. */
        LISTENER
    }

    private PcapImporter() {
    }

    /** Every TCP connection with payload in {@code file}, from the connector's side, in order of first packet. */
    public static List<CapturedConnection> read(Path file) throws IOException {
        return read(file, Perspective.CONNECTOR);
    }

    public static List<CapturedConnection> read(Path file, Perspective perspective) throws IOException {
        String name = file.getFileName() == null ? "capture" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = (dot > 0 ? name.substring(0, dot) : name).replaceAll("\\s", "_");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, base, perspective);
        }
    }

    /** Reads a capture from a stream (not closed); traces are labelled {@code base#n}. */
    public static List<CapturedConnection> read(InputStream in, String base, Perspective perspective)
            throws IOException {
        PcapReader reader = new PcapReader(in);
        if (!TcpSegment.supportsLinkType(reader.linkType())) {
            throw new PcapFormatException("unsupported link type " + reader.linkType()
                    + " (supported: Ethernet 1, raw IP 101/228/229, Linux cooked 113/276)");
        }
        Map<String, Flow> open = new LinkedHashMap<>();
        List<Flow> done = new ArrayList<>();
        int writes = 0;
        PcapReader.Record record;
        while ((record = reader.next()) != null) {
            TcpSegment s = TcpSegment.parse(reader.linkType(), record.timeNanos(), record.data());
            if (s == null || s.source().equals(s.destination())) {
                continue; // not TCP, or a segment from an end to itself (a LAND packet), which has no direction
            }
            String key = key(s);
            Flow flow = open.get(key);
            boolean freshSyn = s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK);
            if (flow != null && freshSyn && flow.hasPayload()) {
                // The 4-tuple was reused by a new connection.
                done.add(open.remove(key));
                flow = null;
            }
            if (flow == null) {
                if (open.size() + done.size() >= MAX_CONNECTIONS) {
                    throw new PcapFormatException("more than " + MAX_CONNECTIONS + " TCP connections");
                }
                flow = new Flow(s.timeNanos());
                open.put(key, flow);
            }
            if (flow.add(s) && ++writes > MAX_WRITES) {
                throw new PcapFormatException("more than " + MAX_WRITES + " TCP segments with payload");
            }
        }
        done.addAll(open.values());
        done.sort((a, b) -> Long.compare(a.firstNanos, b.firstNanos));
        List<CapturedConnection> out = new ArrayList<>();
        for (Flow flow : done) {
            if (flow.hasPayload()) {
                out.add(flow.toConnection(base + "#" + out.size(), perspective));
            }
        }
        return out;
    }

    private static String key(TcpSegment s) {
        return s.source().compareTo(s.destination()) < 0 ? s.source() + "-" + s.destination()
                : s.destination() + "-" + s.source();
    }

    /** One connection's state while reading. */
    private static final class Flow {
        final long firstNanos;
        final Map<String, SequenceSpace> spaces = new LinkedHashMap<>();
        final List<Long> times = new ArrayList<>();
        final List<String> senders = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        final Map<String, Integer> ports = new LinkedHashMap<>();
        String connector;
        String listener;
        int retransmissions;
        long finNanos = -1;

        Flow(long firstNanos) {
            this.firstNanos = firstNanos;
        }

        boolean hasPayload() {
            return !sizes.isEmpty();
        }

        /** Takes a segment; true if it added a write. */
        boolean add(TcpSegment s) {
            ports.putIfAbsent(s.source(), s.sourcePort());
            ports.putIfAbsent(s.destination(), s.destinationPort());
            if (s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK) && connector == null) {
                connector = s.source();
                listener = s.destination();
            }
            if (finNanos < 0 && (s.has(TcpSegment.FIN) || s.has(TcpSegment.RST))) {
                finNanos = s.timeNanos();
            }
            if (s.payloadLength() == 0) {
                return false;
            }
            // A SYN's own sequence number is not payload (TCP Fast Open data starts one later).
            long dataSequence = s.has(TcpSegment.SYN) ? (s.sequence() + 1) & 0xffffffffL : s.sequence();
            long fresh = spaces.computeIfAbsent(s.source(), k -> new SequenceSpace())
                    .add(dataSequence, s.payloadLength());
            if (fresh == 0) {
                retransmissions++;
                return false;
            }
            times.add(s.timeNanos());
            senders.add(s.source());
            sizes.add((int) fresh);
            return true;
        }

        CapturedConnection toConnection(String label, Perspective perspective) {
            CapturedConnection.ListenerRule rule;
            String conn = connector;
            String lis = listener;
            if (conn != null) {
                rule = CapturedConnection.ListenerRule.SYN;
            } else {
                List<String> ends = new ArrayList<>(ports.keySet());
                String a = ends.get(0);
                String b = ends.size() > 1 ? ends.get(1) : ends.get(0);
                boolean aKnown = BITCOIN_PORTS.contains(ports.get(a));
                boolean bKnown = BITCOIN_PORTS.contains(ports.get(b));
                if (aKnown != bKnown) {
                    rule = CapturedConnection.ListenerRule.BITCOIN_PORT;
                    lis = aKnown ? a : b;
                } else {
                    rule = CapturedConnection.ListenerRule.LOWER_PORT;
                    lis = ports.get(a) <= ports.get(b) ? a : b;
                }
                conn = lis.equals(a) ? b : a;
            }
            String ours = perspective == Perspective.CONNECTOR ? conn : lis;
            List<WireWrite> writes = new ArrayList<>(sizes.size());
            long origin = firstNanos;
            for (long t : times) {
                origin = Math.min(origin, t);
            }
            for (int i = 0; i < sizes.size(); i++) {
                Direction d = senders.get(i).equals(ours) ? Direction.OUTBOUND : Direction.INBOUND;
                writes.add(new WireWrite(times.get(i) - origin, d, sizes.get(i)));
            }
            ConnectionTrace trace = new ConnectionTrace(label, List.of(), writes);
            return new CapturedConnection(trace, perspective, conn, lis, rule, connector != null, sizes.size(),
                    retransmissions, origin, finNanos < 0 ? -1 : Math.max(0, finNanos - origin));
        }
    }

    /**
     * The byte ranges one direction has sent, in an unwrapped 64-bit sequence space: the first segment fixes the
     * origin, and each later sequence number is placed within 2^31 of the previous one (RFC 1982 arithmetic).
     */
    static final class SequenceSpace {
        private final TreeMap<Long, Long> ranges = new TreeMap<>();
        private boolean started;
        private long lastRaw;
        private long lastUnwrapped;

        /** Records {@code length} bytes from raw sequence {@code sequence}; returns how many were new. */
        long add(long sequence, int length) {
            long start;
            if (!started) {
                started = true;
                start = 1L << 40; // room below for segments that come out of order before the first one seen
            } else {
                start = lastUnwrapped + (int) (sequence - lastRaw);
            }
            lastRaw = sequence;
            lastUnwrapped = start;
            long end = start + length;
            long covered = 0;
            long mergedStart = start;
            long mergedEnd = end;
            Map.Entry<Long, Long> e = ranges.floorEntry(start);
            if (e == null || e.getValue() < start) {
                e = ranges.ceilingEntry(start);
            }
            while (e != null && e.getKey() <= end) {
                long s = e.getKey();
                long t = e.getValue();
                covered += Math.max(0, Math.min(t, end) - Math.max(s, start));
                mergedStart = Math.min(mergedStart, s);
                mergedEnd = Math.max(mergedEnd, t);
                ranges.remove(s);
                e = ranges.ceilingEntry(s);
            }
            ranges.put(mergedStart, mergedEnd);
            return length - covered;
        }

        /** Disjoint ranges held; stays 1 for an in-order stream. */
        int rangeCount() {
            return ranges.size();
        }
    }
}

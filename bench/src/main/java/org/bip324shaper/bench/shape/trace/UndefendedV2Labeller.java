package org.bip324shaper.bench.shape.trace;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * Guesses the genuine messages of an UNDEFENDED v2 capture from write sizes, so a real capture can serve as ground
 * truth and as a workload for the simulator. It works only because plain v2 leaks: a packet is its contents + 20
 * bytes, so a message is payload + 21 bytes with a 1-byte type ID and payload + 33 with a 12-byte type, and Bitcoin
 * Core writes each message as it is produced. On shaped traffic it would be meaningless.
 *
 * <p>The heuristic, in order (s = write size in bytes, per direction):
 * <ol>
 *   <li>From the connection start only ({@code fromStart}): each side's first write is its key and garbage; a second
 *       write of exactly 36 bytes is the garbage terminator and the transport version packet. Then each side's first
 *       write of 113..433 bytes is {@code version} (long type, payload s - 33).</li>
 *   <li>Segments are first joined into writes: a segment that is a whole multiple of a common MSS (1448, 1460, ...)
 *       was cut by TCP, so it and the same side's next segment within 50 ms belong to one write (GRO-coalesced
 *       segments are such multiples too). Bulk: a write of at least {@value #BULK} bytes is ONE message:
 *       {@code cmpctblock} (&lt; 100 KB) or {@code block} if this side announced a block in the last
 *       60 s; {@code addrv2} (the answer to getaddr) within 60 s of the other side's {@code getaddr} or of the
 *       handshake; else {@code unknown}.</li>
 *   <li>s = 29 (payload 8): {@code ping}, {@code pong} or {@code feefilter}: in each cluster of 29-byte writes
 *       (less than 5 s apart) the labelling that pairs the most pings with a later pong from the other side, at most
 *       one ping per side, then the fewest feefilters; an unanswered one is a feefilter.</li>
 *   <li>s = 30: {@code sendcmpct}; s = 33 (long type, empty): in order {@code wtxidrelay}, {@code sendaddrv2},
 *       {@code verack}, {@code getaddr} (initiator only), then {@code sendheaders}.</li>
 *   <li>s = 22 + 81k, k = 0..252: {@code headers} of k headers; s = 58 + 32n, n = 5..101: {@code getheaders} with
 *       an n-hash locator; s = 22 + 36m: {@code getdata} if the other side sent an inv in the last 10 s, else
 *       {@code inv}.</li>
 *   <li>s - 21 = 1 + a sum of up to 30 addrv2 entries (4 + services 1/3/5 + 2 + address 4/16/32 + 2 bytes):
 *       {@code addrv2} (gossip of a few addresses: 37, 39, 49 and 65 bytes are single addresses).</li>
 *   <li>Anything else: {@code unknown} with payload s - 21.</li>
 * </ol>
 * Limits: two messages in one segment (small writes coalesced by TCP) become one {@code unknown} or a wrong type;
 * headers beat addrv2 and getheaders beat inv on the rare sizes both fit; a feefilter answering a ping swaps the two;
 * tx relay (tx, inv of many sizes) is not told apart beyond inv/getdata. Good enough for the blocksonly capture, whose
 * signals (29-byte pings, 103-byte headers, bulk blocks) are exact.
 */
public final class UndefendedV2Labeller {
    /** Smallest write taken as part of a bulk message: about one MSS. */
    static final int BULK = 1400;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final int SHORT = 21;
    private static final int LONG = 33;
    private static final int[] ADDRV2_ENTRIES = addrv2EntrySizes();
    private static final boolean[] ADDRV2_PAYLOADS = addrv2Payloads(30);

    private UndefendedV2Labeller() {
    }

    /** Labels a captured connection (from its start if the capture holds the SYN). */
    public static ConnectionTrace label(CapturedConnection connection) {
        return label(connection.trace(), connection.sawSyn(), connection.initiatorDirection());
    }

    /**
     * Labels the writes of {@code trace} (its messages, if any, are replaced).
     *
     * @param fromStart whether the trace starts at the connection's start (so it holds the handshake)
     * @param initiator the direction the BIP-324 initiator (the connecting side) wrote
     */
    public static ConnectionTrace label(ConnectionTrace trace, boolean fromStart, Direction initiator) {
        List<WireWrite> writes = trace.writes();
        List<Guess> guesses = new ArrayList<>();
        Map<Direction, Side> sides = new EnumMap<>(Direction.class);
        for (Direction d : Direction.values()) {
            sides.put(d, new Side(fromStart));
        }
        long handshakeEnd = Long.MIN_VALUE / 2;
        for (Run run : runs(writes)) {
            Side side = sides.get(run.direction);
            Side other = sides.get(run.direction.opposite());
            if (side.handshakeWrites >= 0) {
                side.handshakeWrites++;
                boolean terminator = side.handshakeWrites == 2 && run.bytes == 36;
                if (side.handshakeWrites == 1 || terminator) {
                    handshakeEnd = run.time;
                    continue;
                }
                side.handshakeWrites = -1;
            }
            if (run.bytes >= BULK) {
                String type;
                if (run.time - side.lastBlockAnnouncement <= 60 * SECOND) {
                    type = run.bytes - SHORT < 100_000 ? "cmpctblock" : "block";
                } else if (run.time - other.lastGetaddr <= 60 * SECOND || run.time - handshakeEnd <= 60 * SECOND) {
                    type = "addrv2";
                } else {
                    type = "unknown";
                }
                side.versionPending = false;
                guesses.add(new Guess(run.time, run.direction, type, (int) Math.min(Integer.MAX_VALUE,
                        run.bytes - SHORT)));
                continue;
            }
            guesses.add(small(new WireWrite(run.time, run.direction, (int) run.bytes), side, other, initiator));
        }
        resolvePings(guesses);
        List<GenuineMessage> messages = new ArrayList<>(guesses.size());
        for (Guess g : guesses) {
            messages.add(new GenuineMessage(g.time, g.direction, g.type, Math.max(0, g.payload)));
        }
        return new ConnectionTrace(trace.label(), messages, writes);
    }

    /**
     * Groups each side's segments into the writes that produced them: a segment made of whole MSS-sized pieces (TCP
     * cut the write there) is continued by the same side's next segment if that comes within 50 ms; any other size
     * ends the write. Sorted by first segment.
     */
    static List<Run> runs(List<WireWrite> writes) {
        List<Run> runs = new ArrayList<>();
        Map<Direction, Run> current = new EnumMap<>(Direction.class);
        Map<Direction, WireWrite> last = new EnumMap<>(Direction.class);
        for (WireWrite w : writes) {
            Direction d = w.direction();
            WireWrite previous = last.get(d);
            Run run = current.get(d);
            if (run != null && fullSegments(previous.bytes()) && w.timeNanos() - previous.timeNanos() <= 50 * MS) {
                run.bytes += w.bytes();
                run.segments++;
            } else {
                run = new Run(w.timeNanos(), d, w.bytes());
                current.put(d, run);
                runs.add(run);
            }
            last.put(d, w);
        }
        return runs;
    }

    private static Guess small(WireWrite w, Side side, Side other, Direction initiator) {
        int s = w.bytes();
        long t = w.timeNanos();
        Direction d = w.direction();
        if (side.versionPending) {
            side.versionPending = false;
            if (s >= LONG + 80 && s <= LONG + 400) {
                return new Guess(t, d, "version", s - LONG);
            }
        }
        if (s == SHORT + 8) {
            return new Guess(t, d, "ping?", 8);
        }
        if (s == SHORT + 9) {
            return new Guess(t, d, "sendcmpct", 9);
        }
        if (s == LONG) {
            String type;
            List<String> order = d == initiator
                    ? List.of("wtxidrelay", "sendaddrv2", "verack", "getaddr")
                    : List.of("wtxidrelay", "sendaddrv2", "verack");
            type = side.emptyLongTypes < order.size() ? order.get(side.emptyLongTypes) : "sendheaders";
            side.emptyLongTypes++;
            if (type.equals("getaddr")) {
                side.lastGetaddr = t;
            }
            return new Guess(t, d, type, 0);
        }
        int p = s - SHORT;
        if (p >= 1 && (p - 1) % 81 == 0 && (p - 1) / 81 <= 252) {
            int k = (p - 1) / 81;
            if (k >= 1 && k <= 8) {
                side.lastBlockAnnouncement = t;
            }
            return new Guess(t, d, "headers", p);
        }
        if (p >= 4 + 1 + 32 * 6 && (p - 4 - 1 - 32) % 32 == 0 && (p - 37) / 32 <= 101) {
            return new Guess(t, d, "getheaders", p);
        }
        if (p >= 37 && (p - 1) % 36 == 0 && (p - 1) / 36 <= 252) {
            if (t - other.lastInv <= 10 * SECOND) {
                return new Guess(t, d, "getdata", p);
            }
            side.lastInv = t;
            return new Guess(t, d, "inv", p);
        }
        if (p >= 0 && p < ADDRV2_PAYLOADS.length && ADDRV2_PAYLOADS[p]) {
            return new Guess(t, d, "addrv2", p);
        }
        return new Guess(t, d, "unknown", Math.max(0, p));
    }

    /**
     * Turns the provisional {@code ping?} guesses into ping, pong and feefilter. They come in clusters (29-byte
     * writes less than 5 s apart); in each, the labels chosen are those pairing the most pings with a later pong
     * from the other side, with at most one ping per side (each side's timer fires once per 120 s), then the fewest
     * feefilters. A ping left without a pong is a feefilter.
     */
    private static void resolvePings(List<Guess> guesses) {
        List<Guess> cluster = new ArrayList<>();
        for (Guess g : guesses) {
            if (!g.type.equals("ping?")) {
                continue;
            }
            if (!cluster.isEmpty() && g.time - cluster.get(cluster.size() - 1).time > 5 * SECOND) {
                resolveCluster(cluster);
                cluster.clear();
            }
            cluster.add(g);
        }
        resolveCluster(cluster);
    }

    private static final String[] PING_CHOICES = {"ping", "pong", "feefilter"};

    private static void resolveCluster(List<Guess> cluster) {
        int n = cluster.size();
        if (n == 0) {
            return;
        }
        if (n > 8) {
            // Too many to try every labelling (never seen in practice): every one is a feefilter.
            cluster.forEach(g -> g.type = "feefilter");
            return;
        }
        int combinations = 1;
        for (int i = 0; i < n; i++) {
            combinations *= 3;
        }
        int best = -1;
        int bestScore = Integer.MIN_VALUE;
        for (int c = 0; c < combinations; c++) {
            int score = score(cluster, c);
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        for (int i = 0, c = best; i < n; i++, c /= 3) {
            cluster.get(i).type = PING_CHOICES[c % 3];
        }
    }

    /** 2 per answered ping minus 1 per feefilter; MIN_VALUE if the labelling is impossible. */
    private static int score(List<Guess> cluster, int code) {
        Map<Direction, Integer> open = new EnumMap<>(Direction.class);
        Map<Direction, Integer> pings = new EnumMap<>(Direction.class);
        int pairs = 0;
        int feefilters = 0;
        for (int i = 0, c = code; i < cluster.size(); i++, c /= 3) {
            Direction d = cluster.get(i).direction;
            switch (c % 3) {
                case 0:
                    if (pings.merge(d, 1, Integer::sum) > 1) {
                        return Integer.MIN_VALUE;
                    }
                    open.merge(d, 1, Integer::sum);
                    break;
                case 1:
                    if (open.getOrDefault(d.opposite(), 0) == 0) {
                        return Integer.MIN_VALUE;
                    }
                    open.merge(d.opposite(), -1, Integer::sum);
                    pairs++;
                    break;
                default:
                    feefilters++;
            }
        }
        for (int left : open.values()) {
            if (left > 0) {
                return Integer.MIN_VALUE; // an unanswered ping is labelled feefilter instead
            }
        }
        return 2 * pairs - feefilters;
    }

    private static int[] addrv2EntrySizes() {
        List<Integer> sizes = new ArrayList<>();
        for (int services : new int[] {1, 3, 5}) {
            for (int address : new int[] {4, 16, 32}) {
                sizes.add(4 + services + 1 + 1 + address + 2);
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Which payloads are 1 + a sum of at most {@code maxEntries} addrv2 entries. */
    private static boolean[] addrv2Payloads(int maxEntries) {
        int max = 1 + maxEntries * 45;
        int[] fewest = new int[max + 1];
        java.util.Arrays.fill(fewest, Integer.MAX_VALUE);
        fewest[0] = 0;
        for (int sum = 1; sum <= max; sum++) {
            for (int e : ADDRV2_ENTRIES) {
                if (e <= sum && fewest[sum - e] != Integer.MAX_VALUE) {
                    fewest[sum] = Math.min(fewest[sum], fewest[sum - e] + 1);
                }
            }
        }
        boolean[] ok = new boolean[max + 1];
        for (int p = 1; p <= max; p++) {
            ok[p] = fewest[p - 1] >= 1 && fewest[p - 1] <= maxEntries;
        }
        return ok;
    }

    /** Per-direction state while labelling. */
    private static final class Side {
        /** Writes of the handshake seen so far; -1 once past it. */
        int handshakeWrites;
        boolean versionPending;
        int emptyLongTypes;
        long lastBlockAnnouncement = Long.MIN_VALUE / 2;
        long lastGetaddr = Long.MIN_VALUE / 2;
        long lastInv = Long.MIN_VALUE / 2;

        Side(boolean fromStart) {
            handshakeWrites = fromStart ? 0 : -1;
            versionPending = fromStart;
        }
    }

    /** Common TCP maximum segment sizes: Ethernet with and without timestamps, tunnels, PPPoE, IPv6. */
    private static final int[] MSS = {1460, 1448, 1440, 1432, 1428, 1420, 1412, 1400, 1380, 1360, 1348, 1280, 1220};

    /** Whether {@code bytes} is a whole number of segments of a common MSS: a write TCP cut, not a write's end. */
    static boolean fullSegments(int bytes) {
        for (int mss : MSS) {
            if (bytes >= mss && bytes % mss == 0) {
                return true;
            }
        }
        return false;
    }

    /** Consecutive segments of one side taken as one write. */
    static final class Run {
        final long time;
        final Direction direction;
        long bytes;
        int segments = 1;

        Run(long time, Direction direction, long bytes) {
            this.time = time;
            this.direction = direction;
            this.bytes = bytes;
        }
    }

    /** A message being guessed; its type may still change (pings). */
    private static final class Guess {
        final long time;
        final Direction direction;
        String type;
        final int payload;

        Guess(long time, Direction direction, String type, int payload) {
            this.time = time;
            this.direction = direction;
            this.type = type;
            this.payload = payload;
        }
    }
}

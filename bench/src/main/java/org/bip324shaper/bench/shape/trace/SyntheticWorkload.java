package org.bip324shaper.bench.shape.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;

/**
 * Seeded, deterministic bitcoin p2p workloads: the genuine messages of one v2 connection between our node (which
 * opened it: {@code OUTBOUND}) and an unmodified Bitcoin Core peer ({@code INBOUND}), each stamped when its sender's
 * application sends it. No writes: a workload is what a driver submits, for the replay simulator to put on a wire.
 *
 * <p>What it models, with the Bitcoin Core constants it follows (src/net_processing.cpp unless noted):
 * <ul>
 *   <li>Start: version (102-byte payload: Core 28's, as in the shared handshake capture), wtxidrelay, sendaddrv2,
 *       verack; then sendcmpct, a first ping, getheaders (31-hash locator), feefilter, and our getaddr, answered by
 *       an addrv2 of {@code MAX_ADDR_TO_SEND} = 1000 addresses (the ~17 KB reply; 1000 is the cap, which
 *       {@code MAX_PCT_ADDR_TO_SEND} = 23% of a full address manager exceeds).</li>
 *   <li>Pings: {@code PING_INTERVAL} = 2 min, each side on its own timer, re-armed when a ping is sent from the
 *       message handler loop, which wakes at least every 100 ms (src/net.cpp), so each period is 120 s + U(0, 100 ms);
 *       pongs answer after the one-way delay.</li>
 *   <li>Transaction announcements: {@code OUTBOUND_INVENTORY_BROADCAST_INTERVAL} = 2 s (our trickle to this peer,
 *       which is outbound for us) and {@code INBOUND_INVENTORY_BROADCAST_INTERVAL} = 5 s (the peer's to us, inbound
 *       for it), exponential gaps; each fire announces the transactions that arrived since, Poisson at the profile's
 *       rate, at most {@code INVENTORY_BROADCAST_MAX} = 1000 (inv payload: compact size + 36 bytes per wtxid).
 *       The receiver asks for each item with probability {@code requestProbability} (it usually heard of it from
 *       another peer first); the peer delays requests to us by {@code NONPREF_PEER_TX_DELAY} = 2 s (we are an
 *       inbound, non-preferred peer to it; src/node/txdownloadman.h). Each request is answered by one tx message
 *       per item.</li>
 *   <li>Blocks: exponential gaps of 600 s (consensus target spacing, src/kernel/chainparams.cpp). Each side learns a
 *       block after an exponential delay (mean 1 s, or {@code peerFirstBias} towards the peer). With probability
 *       {@code blockTransferProbability} the block crosses this link: the first side sends a cmpctblock at once
 *       (high-bandwidth BIP-152 mode, up to 3 such peers) or headers, getdata(cmpct), cmpctblock; a quarter of compact
 *       blocks miss transactions: getblocktxn, blocktxn. Otherwise each side announces it with a 1-header headers
 *       message ({@code MAX_BLOCKS_TO_ANNOUNCE} = 8 allows more; one is usual), unless the other's announcement
 *       reached it first.</li>
 *   <li>Address gossip: addrv2 of 1..3 addresses, exponential gaps averaging {@code addrGossipInterval} (Core's timer
 *       is {@code AVG_ADDRESS_BROADCAST_INTERVAL} = 30 s, but it sends only when it has addresses to relay; the
 *       default of 90 s matches the shared mainnet capture's 140 + 93 gossip messages in 166 min).</li>
 *   <li>Fee filters: {@code AVG_FEEFILTER_BROADCAST_INTERVAL} = 10 min, exponential gaps.</li>
 *   <li>{@link Profile#blocksOnly()}: our node runs {@code -blocksonly}: no transaction relay either way, no fee
 *       filter updates from the peer, and a block crossing this link is a full block (lognormal, median 1.5 MB)
 *       fetched with headers, getdata, block.</li>
 * </ul>
 * Sizes: transactions lognormal with median 260 bytes (sigma 0.9, capped at 100 kB), blocks of 2,500..4,500
 * transactions; addresses are IPv4 (15 bytes), IPv6/CJDNS (27) or Tor v3/I2P (43) entries, 5% with 2 more bytes of
 * service flags, mixed 60/12/28% in gossip and 88/8/4% in the getaddr reply (fitted to the shared captures: single
 * addresses of 37, 49 and 65 bytes on the wire; a 16,949-byte reply). These are estimates for 2024-25 mainnet, not
 * measurements; the capture-based workload is the check.
 */
public final class SyntheticWorkload {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /**
     * What kind of node and traffic.
     *
     * @param name                     short name for labels
     * @param blocksOnly               our node runs -blocksonly
     * @param txPerSecond              transactions per second crossing this link (mainnet carries about 5/s)
     * @param peerAnnouncedShare       share of those the peer announces to us (the rest we announce)
     * @param requestProbability       chance an announced transaction is requested on this link
     * @param blockTransferProbability chance a block crosses this link rather than only being announced
     * @param highBandwidthProbability chance a transferred compact block comes unannounced (BIP-152 high bandwidth)
     * @param peerFirstBias            extra mean delay, in seconds, before OUR node learns of a block (positive: the
     *                                 peer is better connected and usually announces first)
     * @param addrGossipInterval       mean gap between address gossip messages, each way
     * @param oneWayDelayMin           smallest one-way network delay drawn per connection
     * @param oneWayDelayMax           largest one
     */
    public record Profile(String name, boolean blocksOnly, double txPerSecond, double peerAnnouncedShare,
                          double requestProbability, double blockTransferProbability,
                          double highBandwidthProbability, double peerFirstBias, Duration addrGossipInterval,
                          Duration oneWayDelayMin, Duration oneWayDelayMax) {
        /** A full relaying node: 5 tx/s, half announced each way, a third requested, a block crossing one time in 5. */
        public static final Profile RELAY = new Profile("relay", false, 5.0, 0.5, 0.3, 0.2, 0.5, 0.0,
                Duration.ofSeconds(90), Duration.ofMillis(5), Duration.ofMillis(50));

        /**
         * A -blocksonly node, as in the shared mainnet capture: the peer announced all 29 blocks, two crossed the
         * link.
         */
        public static final Profile BLOCKS_ONLY = new Profile("blocksonly", true, 0, 0, 0, 0.1, 0, 3.0,
                Duration.ofSeconds(90), Duration.ofMillis(5), Duration.ofMillis(50));

        public Profile {
            if (name == null || name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("profile name must be non-empty without whitespace");
            }
            check("txPerSecond", txPerSecond, 0, 1000);
            check("peerAnnouncedShare", peerAnnouncedShare, 0, 1);
            check("requestProbability", requestProbability, 0, 1);
            check("blockTransferProbability", blockTransferProbability, 0, 1);
            check("highBandwidthProbability", highBandwidthProbability, 0, 1);
            check("peerFirstBias", peerFirstBias, -60, 60);
            if (addrGossipInterval.isNegative() || addrGossipInterval.isZero()) {
                throw new IllegalArgumentException("addrGossipInterval must be positive");
            }
            if (oneWayDelayMin.isNegative() || oneWayDelayMax.compareTo(oneWayDelayMin) < 0) {
                throw new IllegalArgumentException("one-way delay must be a range of non-negative durations");
            }
        }

        private static void check(String what, double v, double min, double max) {
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", was " + v);
            }
        }

        /** This profile with the blocksonly flag set and tx relay off. */
        public Profile asBlocksOnly() {
            return new Profile(name, true, 0, 0, 0, blockTransferProbability, 0, peerFirstBias, addrGossipInterval,
                    oneWayDelayMin, oneWayDelayMax);
        }
    }

    private final Profile profile;
    private final SplittableRandom random;
    private final long end;
    private final long owd;
    private final List<GenuineMessage> messages = new ArrayList<>();

    private SyntheticWorkload(Profile profile, Duration length, long seed) {
        if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("length must be in (0, 30 days], was " + length);
        }
        this.profile = profile;
        this.random = new SplittableRandom(seed);
        this.end = length.toNanos();
        long lo = profile.oneWayDelayMin().toNanos();
        long hi = profile.oneWayDelayMax().toNanos();
        this.owd = hi == lo ? lo : lo + random.nextLong(hi - lo + 1);
    }

    /** One connection of {@code length}; the same seed gives the same workload. */
    public static ConnectionTrace generate(String label, Profile profile, Duration length, long seed) {
        SyntheticWorkload w = new SyntheticWorkload(profile, length, seed);
        w.run();
        return new ConnectionTrace(label, w.messages, List.of());
    }

    /** {@code count} connections, seeds {@code firstSeed, firstSeed + 1, ...}, labelled {@code profile-seed}. */
    public static List<ConnectionTrace> many(Profile profile, Duration length, int count, long firstSeed) {
        List<ConnectionTrace> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(profile.name() + "-" + (firstSeed + i), profile, length, firstSeed + i));
        }
        return out;
    }

    /** The one-way delay drawn for a seed (the simulator should use the same). */
    public static Duration oneWayDelay(Profile profile, long seed) {
        return Duration.ofNanos(new SyntheticWorkload(profile, Duration.ofSeconds(1), seed).owd);
    }

    private void run() {
        long ready = startup();
        for (Direction d : Direction.values()) {
            pings(d, ready);
            addrGossip(d, ready);
        }
        if (!profile.blocksOnly()) {
            trickle(Direction.OUTBOUND, 2 * SECOND, profile.txPerSecond() * (1 - profile.peerAnnouncedShare()),
                    ready);
            trickle(Direction.INBOUND, 5 * SECOND, profile.txPerSecond() * profile.peerAnnouncedShare(), ready);
            feefilters(Direction.OUTBOUND, ready);
            feefilters(Direction.INBOUND, ready);
        }
        blocks(ready);
    }

    /** Version handshake and the messages that follow verack; returns when the connection is in steady state. */
    private long startup() {
        // The BIP-324 handshake takes about 1.5 round trips; the first message waits for it in the engine anyway.
        long t = 3 * owd + MS;
        send(t, Direction.OUTBOUND, "version", 102);
        long theirs = t + owd + proc();
        send(theirs, Direction.INBOUND, "version", 102);
        send(theirs, Direction.INBOUND, "wtxidrelay", 0);
        send(theirs, Direction.INBOUND, "sendaddrv2", 0);
        send(theirs, Direction.INBOUND, "verack", 0);
        long ours = theirs + owd + proc();
        send(ours, Direction.OUTBOUND, "wtxidrelay", 0);
        send(ours, Direction.OUTBOUND, "sendaddrv2", 0);
        send(ours, Direction.OUTBOUND, "verack", 0);
        // After verack each side sends its preferences, a first ping and a getheaders; we also ask for addresses.
        long ourAfter = ours + proc();
        long theirAfter = ours + owd + proc();
        for (Direction d : Direction.values()) {
            long at = d == Direction.OUTBOUND ? ourAfter : theirAfter;
            send(at, d, "sendcmpct", 9);
            send(at, d, "ping", 8);
            send(at + owd + proc(), d.opposite(), "pong", 8);
            send(at, d, "getheaders", 4 + 1 + 32 * 31 + 32);
            send(at + owd + proc(), d.opposite(), "headers", 1);
            if (!profile.blocksOnly() || d == Direction.OUTBOUND) {
                // A -blocksonly node sends one feefilter of MAX_MONEY; the peer sends none to a non-relaying node.
                send(at, d, "feefilter", 8);
            }
            send(at, d, "sendheaders", 0);
        }
        send(ourAfter, Direction.OUTBOUND, "getaddr", 0);
        int payload = 3; // compact size of 1000
        for (int i = 0; i < 1000; i++) {
            payload += addrEntry(0.88, 0.08);
        }
        send(ourAfter + owd + 5 * MS + proc(), Direction.INBOUND, "addrv2", payload);
        return Math.max(ourAfter, theirAfter);
    }

    private void pings(Direction d, long start) {
        // The first ping went out after verack; the timer then runs from it.
        long t = start + 120 * SECOND + random.nextLong(100 * MS);
        while (t < end) {
            send(t, d, "ping", 8);
            send(t + owd + proc(), d.opposite(), "pong", 8);
            t += 120 * SECOND + random.nextLong(100 * MS);
        }
    }

    private void trickle(Direction d, long meanGap, double itemsPerSecond, long start) {
        long t = start;
        while (true) {
            long gap = exponential(meanGap);
            t += gap;
            if (t >= end) {
                return;
            }
            int items = (int) Math.min(1000, poisson(itemsPerSecond * gap / 1e9));
            if (items == 0) {
                continue;
            }
            send(t, d, "inv", compactSize(items) + 36 * items);
            int wanted = 0;
            for (int i = 0; i < items; i++) {
                if (random.nextDouble() < profile.requestProbability()) {
                    wanted++;
                }
            }
            if (wanted == 0) {
                continue;
            }
            long ask = t + owd + proc() + (d == Direction.OUTBOUND ? 2 * SECOND : 0);
            send(ask, d.opposite(), "getdata", compactSize(wanted) + 36 * wanted);
            long answer = ask + owd + proc();
            for (int i = 0; i < wanted; i++) {
                send(answer, d, "tx", txSize());
            }
        }
    }

    private void feefilters(Direction d, long start) {
        long t = start;
        while (true) {
            t += exponential(600 * SECOND);
            if (t >= end) {
                return;
            }
            send(t, d, "feefilter", 8);
        }
    }

    private void addrGossip(Direction d, long start) {
        long mean = profile.addrGossipInterval().toNanos();
        long t = start;
        while (true) {
            t += exponential(mean);
            if (t >= end) {
                return;
            }
            double u = random.nextDouble();
            int count = u < 0.7 ? 1 : u < 0.9 ? 2 : 3;
            int payload = 1;
            for (int i = 0; i < count; i++) {
                payload += addrEntry(0.6, 0.12);
            }
            send(t, d, "addrv2", payload);
        }
    }

    private void blocks(long start) {
        long t = start;
        while (true) {
            t += exponential(600 * SECOND);
            if (t >= end) {
                return;
            }
            double bias = profile.peerFirstBias();
            long ours = t + exponential(SECOND) + (long) (Math.max(0, bias) * exponential(SECOND));
            long theirs = t + exponential(SECOND) + (long) (Math.max(0, -bias) * exponential(SECOND));
            Direction first = ours <= theirs ? Direction.OUTBOUND : Direction.INBOUND;
            long firstTime = Math.min(ours, theirs);
            long secondTime = Math.max(ours, theirs);
            if (random.nextDouble() < profile.blockTransferProbability()) {
                transfer(first, firstTime);
            } else {
                send(firstTime, first, "headers", 1 + 81);
                // The second side announces too unless the first announcement reached it before it learned.
                if (secondTime < firstTime + owd) {
                    send(secondTime, first.opposite(), "headers", 1 + 81);
                }
            }
        }
    }

    /** The block crosses this link from {@code from}, which learned it at {@code t}. */
    private void transfer(Direction from, long t) {
        Direction to = from.opposite();
        if (profile.blocksOnly()) {
            send(t, from, "headers", 1 + 81);
            long ask = t + owd + proc();
            send(ask, to, "getdata", 1 + 36);
            long size = Math.round(Math.exp(Math.log(1.5e6) + 0.35 * random.nextGaussian()));
            send(ask + owd + proc(), from, "block", (int) Math.max(100_000, Math.min(3_990_000, size)));
            return;
        }
        long sent = t;
        if (random.nextDouble() >= profile.highBandwidthProbability()) {
            send(t, from, "headers", 1 + 81);
            long ask = t + owd + proc();
            send(ask, to, "getdata", 1 + 36);
            sent = ask + owd + proc();
        }
        int transactions = 2500 + random.nextInt(2001);
        // header 80 + nonce 8 + short ids (compact size + 6 each) + the prefilled coinbase (index, ~250 bytes)
        int compact = 88 + compactSize(transactions) + 6 * transactions + 1 + 1 + 250;
        send(sent, from, "cmpctblock", compact);
        if (random.nextDouble() < 0.25) {
            int missing = 1 + geometric(0.2);
            long ask = sent + owd + 20 * MS + proc(); // reconstruction first
            send(ask, to, "getblocktxn", 32 + compactSize(missing) + missing * (missing > 100 ? 2 : 1));
            int bytes = 32 + compactSize(missing);
            for (int i = 0; i < missing; i++) {
                bytes += txSize();
            }
            send(ask + owd + proc(), from, "blocktxn", bytes);
        }
    }

    private void send(long t, Direction d, String type, int payload) {
        if (t < end) {
            messages.add(new GenuineMessage(t, d, type, payload));
        }
    }

    /** Processing time of a message: 50 us .. 1 ms. */
    private long proc() {
        return 50_000 + random.nextLong(950_000);
    }

    private int txSize() {
        double size = Math.exp(Math.log(260) + 0.9 * random.nextGaussian());
        return (int) Math.max(60, Math.min(100_000, Math.round(size)));
    }

    /** One addrv2 entry: IPv4 with probability {@code v4}, IPv6 with {@code v6}, else a 32-byte Tor v3/I2P key. */
    private int addrEntry(double v4, double v6) {
        double u = random.nextDouble();
        int address = u < v4 ? 4 : u < v4 + v6 ? 16 : 32;
        int services = random.nextDouble() < 0.05 ? 5 : 3;
        return 4 + services + 1 + 1 + address + 2;
    }

    private long exponential(long mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * mean);
    }

    private long poisson(double mean) {
        if (mean > 30) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        long k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }

    private int geometric(double p) {
        int k = 0;
        while (random.nextDouble() > p && k < 1000) {
            k++;
        }
        return k;
    }

    private static int compactSize(long n) {
        return n < 253 ? 1 : n <= 0xffff ? 3 : 5;
    }
}

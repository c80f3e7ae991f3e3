package org.bip324shaper.bench.shape.wallet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;

/**
 * Synthetic wallet days: what an unmodified bitcoinj 0.17 wallet (bloom filters, one peer) and its Bitcoin Core peer
 * send, fitted to the shared regtest captures ({@code shared/traces/wallet}; {@code WalletGeneratorCheck} compares).
 * Times are each sender's submission times; the replay delays answers as its shaper delays their requests.
 *
 * <table>
 *   <caption>The model</caption>
 *   <tr><th>what</th><th>model (capture values)</th></tr>
 *   <tr><td>connect</td><td>wallet: version (103 bytes), verack, sendaddrv2 (+40 ms), filterload (3,552),
 *       mempool, getblocks (3,269), ping; node: version (103), verack, ping, feefilter, and an inv of the
 *       wallet's unconfirmed transactions answering mempool</td></tr>
 *   <tr><td>pings</td><td>the wallet pings 2 s after each pong; the node pings every 120 s (+0..100 ms)</td></tr>
 *   <tr><td>block</td><td>node: inv (1); wallet: getdata; node: merkleblock (119 + 32 per matched tx) and the
 *       matched transactions (the wallet's unconfirmed payments, its coinbase on a receive, witness-stripped)</td></tr>
 *   <tr><td>receive</td><td>as a block, then the wallet's new filterload and a mempool (+20 ms)</td></tr>
 *   <tr><td>pay</td><td>wallet: tx (222 bytes, or 371 with two inputs) 10 ms after the call; FIN 1.001 s later;
 *       the redial 1.502..1.510 s after the FIN (a new session); events in the gap reach the new session's
 *       getblocks</td></tr>
 *   <tr><td>sync</td><td>optionally, the first session catches up {@code syncBlocks} blocks: inv, getdata and one
 *       merkleblock per block</td></tr>
 * </table>
 *
 * @param meanPayGap     mean time between payments (exponential)
 * @param meanBlockGap   mean time between blocks (exponential)
 * @param receiveShare   share of blocks that pay the wallet
 * @param twoInputShare  share of payments with two inputs
 * @param syncBlocks     blocks the first session catches up
 * @param oneWayDelayMin smallest one-way delay drawn per day
 * @param oneWayDelayMax largest
 */
public record WalletDayGenerator(Duration meanPayGap, Duration meanBlockGap, double receiveShare, double twoInputShare,
                                 int syncBlocks, Duration oneWayDelayMin, Duration oneWayDelayMax) {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    /** bitcoinj 0.17.1's version payload (user agent /bitcoinj:0.17.1/), Core 28's. */
    static final int WALLET_VERSION = 103;
    static final int NODE_VERSION = 103;
    static final int FILTERLOAD = 3_552;
    static final int GETBLOCKS = 3_269;
    static final int PAYMENT_ONE_INPUT = 222;
    static final int PAYMENT_TWO_INPUTS = 371;
    /** A confirmed payment the node sends after a merkleblock: without its witness (bitcoinj asks no witness). */
    static final int WITNESS_BYTES = 109;
    static final int COINBASE = 113;
    static final long TX_AFTER_PAY = 10 * MS;
    static final long FIN_AFTER_TX = 1_001 * MS;
    static final long REDIAL_AFTER_FIN = 1_502 * MS;
    /** The captures' redials spread over 1.502..1.510 s. */
    static final long REDIAL_SPREAD = 8 * MS;
    /** Timer jitter seen in the captures (pings, FIN, redial): uniform 0..this. */
    static final long JITTER = 3 * MS;
    static final long PING_AFTER_PONG = 2 * SECOND;
    static final long CORE_PING_INTERVAL = 120 * SECOND;

    public WalletDayGenerator {
        if (receiveShare < 0 || receiveShare > 1 || twoInputShare < 0 || twoInputShare > 1 || syncBlocks < 0) {
            throw new IllegalArgumentException("shares must be in 0..1 and syncBlocks >= 0");
        }
        if (meanPayGap.isNegative() || meanPayGap.isZero() || meanBlockGap.isNegative() || meanBlockGap.isZero()) {
            throw new IllegalArgumentException("mean gaps must be positive");
        }
    }

    /** A wallet in use: a payment every 15 min on average, mainnet blocks (10 min), one block in five pays it. */
    public static WalletDayGenerator busyWallet() {
        return new WalletDayGenerator(Duration.ofMinutes(15), Duration.ofMinutes(10), 0.2, 0.47, 0,
                Duration.ofMillis(5), Duration.ofMillis(50));
    }

    /**
     * The shared captures' schedule: events every 40 s, about 55% payments, 25% receives, 20% other blocks; half
     * the payments spend two inputs (243 and 392-byte writes in the captures).
     */
    public static WalletDayGenerator captureLike() {
        return new WalletDayGenerator(Duration.ofMillis(72_700), Duration.ofMillis(88_900), 0.55, 0.47, 0,
                Duration.ofNanos(200_000), Duration.ofNanos(200_000));
    }

    /** No payments and no blocks: a wallet left running. */
    public static WalletDayGenerator idle() {
        return new WalletDayGenerator(Duration.ofDays(36_500), Duration.ofDays(36_500), 0, 0, 0,
                Duration.ofMillis(20), Duration.ofMillis(20));
    }

    public WalletDayGenerator withSyncBlocks(int blocks) {
        return new WalletDayGenerator(meanPayGap, meanBlockGap, receiveShare, twoInputShare, blocks, oneWayDelayMin,
                oneWayDelayMax);
    }

    /** The one-way delay drawn for {@code seed} (the same for every session of a day). */
    public Duration oneWayDelay(long seed) {
        long lo = oneWayDelayMin.toNanos();
        long hi = oneWayDelayMax.toNanos();
        return Duration.ofNanos(lo == hi ? lo : new SplittableRandom(seed ^ 0x5DEECE66DL).nextLong(lo, hi + 1));
    }

    /** One day of {@code length}; the same seed gives the same day. */
    public WalletDay generate(String label, Duration length, long seed) {
        return new Builder(label, length.toNanos(), seed).run();
    }

    private final class Builder {
        final String label;
        final long end;
        final SplittableRandom random;
        final long owd;
        final List<WalletEvent> events = new ArrayList<>();
        final List<WalletSession> sessions = new ArrayList<>();
        /** Payload sizes of the wallet's payments not yet in a block. */
        final List<Integer> unconfirmed = new ArrayList<>();
        List<GenuineMessage> messages;
        long sessionStart;

        Builder(String label, long end, long seed) {
            this.label = label;
            this.end = end;
            this.random = new SplittableRandom(seed);
            this.owd = oneWayDelay(seed).toNanos();
        }

        WalletDay run() {
            List<WalletEvent> schedule = schedule();
            open(0, syncBlocks);
            long nextWalletPing = 59 * MS + PING_AFTER_PONG + 2 * owd;
            long nextCorePing = 56 * MS + CORE_PING_INTERVAL + random.nextLong(100 * MS);
            int e = 0;
            while (true) {
                long nextEvent = e < schedule.size() ? schedule.get(e).timeNanos() : Long.MAX_VALUE;
                long t = Math.min(nextEvent, Math.min(sessionStart + nextWalletPing, sessionStart + nextCorePing));
                if (t >= end) {
                    close(end);
                    break;
                }
                if (t == sessionStart + nextWalletPing) {
                    ping(Direction.OUTBOUND, t);
                    nextWalletPing += PING_AFTER_PONG + 2 * owd + random.nextLong(JITTER) - JITTER / 2;
                } else if (t == sessionStart + nextCorePing) {
                    ping(Direction.INBOUND, t);
                    nextCorePing += CORE_PING_INTERVAL + random.nextLong(100 * MS);
                } else {
                    WalletEvent ev = schedule.get(e++);
                    events.add(ev);
                    if (ev.kind() == WalletEvent.Kind.PAY) {
                        long tx = t + TX_AFTER_PAY;
                        int size = random.nextDouble() < twoInputShare ? PAYMENT_TWO_INPUTS : PAYMENT_ONE_INPUT;
                        add(tx, Direction.OUTBOUND, "tx", size);
                        unconfirmed.add(size);
                        long fin = tx + FIN_AFTER_TX + random.nextLong(JITTER);
                        long redial = fin + REDIAL_AFTER_FIN + random.nextLong(REDIAL_SPREAD);
                        if (fin >= end || redial + SECOND >= end) {
                            close(Math.min(fin, end));
                            break;
                        }
                        close(fin);
                        // Blocks found while the wallet redials reach it through the new session's getblocks.
                        int missed = 0;
                        while (e < schedule.size() && schedule.get(e).timeNanos() < redial + 60 * MS
                                && schedule.get(e).kind() != WalletEvent.Kind.PAY) {
                            WalletEvent gap = schedule.get(e++);
                            events.add(gap);
                            missed++;
                            confirm(gap.kind() == WalletEvent.Kind.RECEIVE);
                        }
                        open(redial, missed);
                        nextWalletPing = 59 * MS + PING_AFTER_PONG + 2 * owd;
                        nextCorePing = 56 * MS + CORE_PING_INTERVAL + random.nextLong(100 * MS);
                    } else {
                        block(t, ev.kind() == WalletEvent.Kind.RECEIVE);
                    }
                }
            }
            return new WalletDay(label, sessions, events, end);
        }

        List<WalletEvent> schedule() {
            List<WalletEvent> s = new ArrayList<>();
            double payMean = meanPayGap.toNanos();
            double blockMean = meanBlockGap.toNanos();
            long t = 2 * SECOND;
            while ((t += (long) (-payMean * Math.log(1 - random.nextDouble()))) < end) {
                s.add(new WalletEvent(t, WalletEvent.Kind.PAY));
            }
            t = 2 * SECOND;
            while ((t += (long) (-blockMean * Math.log(1 - random.nextDouble()))) < end) {
                s.add(new WalletEvent(t, random.nextDouble() < receiveShare ? WalletEvent.Kind.RECEIVE
                        : WalletEvent.Kind.BLOCK));
            }
            s.sort((a, b) -> Long.compare(a.timeNanos(), b.timeNanos()));
            // The wallet's next payment waits for the redial of the previous one: bitcoinj needs a peer to send to.
            List<WalletEvent> spaced = new ArrayList<>();
            long busyUntil = Long.MIN_VALUE;
            for (WalletEvent ev : s) {
                if (ev.kind() == WalletEvent.Kind.PAY) {
                    if (ev.timeNanos() < busyUntil) {
                        continue;
                    }
                    busyUntil = ev.timeNanos() + TX_AFTER_PAY + FIN_AFTER_TX + REDIAL_AFTER_FIN + SECOND;
                }
                spaced.add(ev);
            }
            return spaced;
        }

        void open(long start, int catchUp) {
            sessionStart = start;
            messages = new ArrayList<>();
            long o = start;
            add(o + 5 * MS, Direction.OUTBOUND, "version", WALLET_VERSION);
            add(o + 8 * MS, Direction.INBOUND, "version", NODE_VERSION);
            add(o + 9 * MS, Direction.INBOUND, "verack", 0);
            add(o + 12 * MS, Direction.OUTBOUND, "verack", 0);
            add(o + 52 * MS, Direction.OUTBOUND, "sendaddrv2", 0);
            add(o + 53 * MS, Direction.INBOUND, "ping", 8);
            add(o + 53 * MS, Direction.INBOUND, "feefilter", 8);
            add(o + 53 * MS + owd, Direction.OUTBOUND, "pong", 8);
            add(o + 54 * MS, Direction.OUTBOUND, "filterload", FILTERLOAD);
            add(o + 55 * MS, Direction.OUTBOUND, "mempool", 0);
            add(o + 55 * MS, Direction.OUTBOUND, "getblocks", GETBLOCKS);
            long answer = o + 55 * MS + owd;
            if (!unconfirmed.isEmpty()) {
                add(answer, Direction.INBOUND, "inv", 1 + 36 * unconfirmed.size());
            }
            add(o + 59 * MS, Direction.OUTBOUND, "ping", 8);
            add(o + 59 * MS + owd, Direction.INBOUND, "pong", 8);
            if (catchUp > 0) {
                add(answer + MS, Direction.INBOUND, "inv", 1 + 36 * catchUp);
                add(answer + MS + owd, Direction.OUTBOUND, "getdata", 1 + 36 * catchUp);
                for (int i = 0; i < catchUp; i++) {
                    add(answer + MS + 2 * owd + i * 30_000L, Direction.INBOUND, "merkleblock", 119);
                }
            }
        }

        void close(long at) {
            List<GenuineMessage> rel = new ArrayList<>(messages.size());
            long last = sessionStart;
            for (GenuineMessage m : messages) {
                if (m.timeNanos() <= at) {
                    rel.add(new GenuineMessage(m.timeNanos() - sessionStart, m.direction(), m.type(),
                            m.payloadLength()));
                    last = Math.max(last, m.timeNanos());
                }
            }
            ConnectionTrace trace = new ConnectionTrace(label + "-s" + sessions.size(), rel, List.of());
            sessions.add(new WalletSession(sessionStart, trace, Math.max(at, last)));
        }

        void ping(Direction from, long t) {
            add(t, from, "ping", 8);
            add(t + owd, from.opposite(), "pong", 8);
        }

        void block(long t, boolean receive) {
            int matched = unconfirmed.size() + (receive ? 1 : 0);
            add(t, Direction.INBOUND, "inv", 1 + 36);
            add(t + owd, Direction.OUTBOUND, "getdata", 1 + 36);
            long at = t + 2 * owd;
            add(at, Direction.INBOUND, "merkleblock", 119 + 32 * matched);
            for (int size : unconfirmed) {
                add(at, Direction.INBOUND, "tx", size - WITNESS_BYTES);
            }
            if (receive) {
                add(at, Direction.INBOUND, "tx", COINBASE);
                // The filter now covers the new output: bitcoinj sends it again, with a mempool.
                add(at + owd + 20 * MS, Direction.OUTBOUND, "filterload", FILTERLOAD);
                add(at + owd + 20 * MS, Direction.OUTBOUND, "mempool", 0);
            }
            unconfirmed.clear();
        }

        void confirm(boolean receive) {
            unconfirmed.clear();
        }

        void add(long t, Direction d, String type, int payload) {
            messages.add(new GenuineMessage(t, d, type, payload));
        }
    }
}

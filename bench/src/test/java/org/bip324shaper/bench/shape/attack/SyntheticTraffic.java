package org.bip324shaper.bench.shape.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * A tiny, seeded stand-in for an undefended v2 connection, seen from our node: handshake writes, pings both ways
 * every 120 s (plus up to 100 ms, as Bitcoin Core's timer drifts), inv trickle both ways with some getdata/tx follow-ups, feefilters, and a block every ~600 s
 * (exponential gaps) announced by a 1-header headers message each way, sometimes followed by the block itself.
 * Each message is its own write, stamped with the write's time (the {@link WriteLabeler#sameInstant()} contract).
 */
final class SyntheticTraffic {
    static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final SplittableRandom random;
    private final long end;
    private final long rtt;
    private final List<GenuineMessage> messages = new ArrayList<>();
    private final List<WireWrite> writes = new ArrayList<>();
    /** Block event times (first announcement), for checks. */
    private final List<Long> blocks = new ArrayList<>();

    private SyntheticTraffic(Duration length, long seed) {
        this.random = new SplittableRandom(seed);
        this.end = length.toNanos();
        this.rtt = (20 + random.nextInt(80)) * MS;
    }

    static ConnectionTrace generate(String label, Duration length, long seed) {
        SyntheticTraffic t = new SyntheticTraffic(length, seed);
        t.handshake();
        t.pings(Direction.OUTBOUND);
        t.pings(Direction.INBOUND);
        t.invTrickle(Direction.OUTBOUND, 5 * SECOND);
        t.invTrickle(Direction.INBOUND, 2 * SECOND);
        t.feefilters(Direction.OUTBOUND);
        t.feefilters(Direction.INBOUND);
        t.blocks();
        return new ConnectionTrace(label, t.messages, t.writes);
    }

    /** {@code count} traces of {@code length}, seeds from {@code firstSeed}. */
    static List<ConnectionTrace> many(int count, Duration length, long firstSeed) {
        List<ConnectionTrace> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(generate("synthetic-" + (firstSeed + i), length, firstSeed + i));
        }
        return out;
    }

    private void handshake() {
        write(0, Direction.OUTBOUND, 64 + random.nextInt(200));
        write(rtt / 2, Direction.INBOUND, 64 + random.nextInt(200));
        write(rtt / 2 + MS, Direction.OUTBOUND, 36);
        write(rtt, Direction.INBOUND, 36);
        long t = rtt + 2 * MS;
        for (Direction d : Direction.values()) {
            send(t, d, "version", 102 + random.nextInt(20));
            send(t + MS, d, "wtxidrelay", 0);
            send(t + 2 * MS, d, "sendaddrv2", 0);
            send(t + 3 * MS, d, "verack", 0);
            send(t + 4 * MS, d, "sendcmpct", 9);
            t += rtt / 2;
        }
        send(t + rtt, Direction.INBOUND, "addrv2", 17_000 + random.nextInt(500));
    }

    private void pings(Direction direction) {
        long t = 2 * SECOND + (long) (random.nextDouble() * 120 * SECOND);
        while (t < end) {
            send(t, direction, "ping", 8);
            send(t + rtt, direction.opposite(), "pong", 8);
            // Bitcoin Core re-arms the timer when the ping goes out, from a loop that wakes every 100 ms or so.
            t += 120 * SECOND + random.nextInt(100) * MS;
        }
    }

    private void invTrickle(Direction direction, long meanGap) {
        long t = 3 * SECOND;
        while (true) {
            t += exponential(meanGap);
            if (t >= end) {
                return;
            }
            int items = 1 + Math.min(29, geometric(0.35));
            send(t, direction, "inv", 1 + 36 * items);
            if (random.nextDouble() < 0.3) {
                int wanted = 1 + random.nextInt(items);
                send(t + rtt / 2 + MS, direction.opposite(), "getdata", 1 + 36 * wanted);
                for (int i = 0; i < wanted; i++) {
                    send(t + rtt + (2 + i) * MS, direction, "tx", 150 + random.nextInt(750));
                }
            }
        }
    }

    private void feefilters(Direction direction) {
        long t = 0;
        while (true) {
            t += exponential(600 * SECOND);
            if (t >= end) {
                return;
            }
            send(t, direction, "feefilter", 8);
        }
    }

    private void blocks() {
        long t = 0;
        while (true) {
            t += exponential(600 * SECOND);
            if (t + 10 * SECOND >= end) {
                return;
            }
            long ours = t + (long) (random.nextDouble() * 2 * SECOND);
            long theirs = t + (long) (random.nextDouble() * 2 * SECOND);
            blocks.add(Math.min(ours, theirs));
            send(ours, Direction.OUTBOUND, "headers", 82);
            send(theirs, Direction.INBOUND, "headers", 82);
            Direction sender = ours <= theirs ? Direction.OUTBOUND : Direction.INBOUND;
            long asked = Math.max(ours, theirs) + rtt / 2;
            send(asked, sender.opposite(), "getdata", 37);
            send(asked + rtt / 2 + MS, sender, "block", 800_000 + random.nextInt(800_000));
            int followUps = 1 + random.nextInt(3);
            for (int i = 0; i < followUps; i++) {
                send(asked + rtt + (5 + i) * MS, sender, "inv", 1 + 36 * (1 + geometric(0.35)));
            }
        }
    }

    private void send(long t, Direction d, String type, int payload) {
        if (t >= end) {
            return;
        }
        GenuineMessage m = new GenuineMessage(t, d, type, payload);
        messages.add(m);
        write(t, d, (int) LabeledWrite.wireBytes(m));
    }

    private void write(long t, Direction d, int bytes) {
        writes.add(new WireWrite(t, d, bytes));
    }

    private long exponential(long mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * mean);
    }

    private int geometric(double p) {
        int k = 0;
        while (random.nextDouble() > p) {
            k++;
        }
        return k;
    }
}

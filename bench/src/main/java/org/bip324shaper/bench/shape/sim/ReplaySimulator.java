package org.bip324shaper.bench.shape.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.bip324shaper.bench.shape.attack.Alignment;
import org.bip324shaper.bench.shape.attack.LabeledWrite;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.core.message.MessageTypes;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.HandshakeCover;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.CollectingTraceRecorder;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.core.trace.WireWrite;

/**
 * Replays a workload (genuine messages of both directions, with times) through two real {@link ShapedEngine}s on
 * simulated time and records the wire exactly as a live driver would: our engine (the initiator, shaped with the
 * configuration under test) records its writes and, per delivered write, one read ({@link ShapedEngine#recordRead});
 * the peer engine stands for an unmodified Bitcoin Core node (no shaping, Core-like handshake garbage).
 *
 * <p>Discrete events on one {@link SimulatedClock}: message submissions, deliveries (each write arrives whole after
 * a fixed one-way delay, in order; no bandwidth limit, so a write is never split), and shaper ticks, run exactly at
 * each engine's {@link ShapedEngine#nextDeadlineNanos()}. At one instant: deliveries, then ticks, then submissions.
 * With {@link Settings#causal()}, an answer (see {@link Causality}) is submitted late by as much as the shaping
 * delayed its request: a held ping delays its pong. Deterministic: the same workload, settings and seed give the same
 * trace (keys are random, but sizes and times do not depend on them).
 */
public final class ReplaySimulator {
    /** Stops a strategy whose deadline does not move after a tick from hanging the simulation. */
    private static final int MAX_TICKS_AT_ONE_INSTANT = 100_000;

    /** An unmodified Bitcoin Core peer: no padding, no decoys, 0..4095 bytes of handshake garbage. */
    public static final TrafficConfig BITCOIN_CORE = new TrafficConfig(
            HandshakeCover.CORE_LIKE.around(PaddingStrategy.DISABLED), DecoyStrategy.DISABLED);

    private ReplaySimulator() {
    }

    /**
     * How to replay.
     *
     * @param ours        our shaping
     * @param peer        the peer's shaping ({@link #BITCOIN_CORE} for an unmodified peer)
     * @param oneWayDelay network delay each way
     * @param seed        seeds both shapers
     * @param causal      whether answers wait for the delay their request suffered
     * @param tail        how long to keep simulating after the workload's last message
     */
    public record Settings(TrafficConfig ours, TrafficConfig peer, Duration oneWayDelay, long seed, boolean causal,
                           Duration tail) {
        public Settings {
            Objects.requireNonNull(ours, "ours");
            Objects.requireNonNull(peer, "peer");
            if (oneWayDelay == null || oneWayDelay.isNegative() || tail == null || tail.isNegative()) {
                throw new IllegalArgumentException("delay and tail must be >= 0");
            }
        }

        /** {@code ours} against an unmodified Core peer, 20 ms each way, causal, 5 s tail. */
        public static Settings of(TrafficConfig ours, long seed) {
            return new Settings(ours, BITCOIN_CORE, Duration.ofMillis(20), seed, true, Duration.ofSeconds(5));
        }

        public Settings withOneWayDelay(Duration delay) {
            return new Settings(ours, peer, delay, seed, causal, tail);
        }

        public Settings withCausal(boolean on) {
            return new Settings(ours, peer, oneWayDelay, seed, on, tail);
        }

        public Settings withTail(Duration t) {
            return new Settings(ours, peer, oneWayDelay, seed, causal, t);
        }
    }

    /** Replays {@code workload}; the observed trace keeps its label. */
    public static Replay run(ConnectionTrace workload, Settings settings) {
        return new Run(workload, settings, false).run();
    }

    /**
     * Replays {@code workload} and ends with a graceful close: at the end, everything our shaper still holds goes
     * out at once, padded ({@link ShapedEngine#closeOutbound}), as the drivers do before a FIN.
     */
    public static Replay runAndClose(ConnectionTrace workload, Settings settings) {
        return new Run(workload, settings, true).run();
    }

    /**
     * A message's v2 packet contents: its 1-byte ID (or the 13-byte long form) and a zero payload. Types named
     * {@code unknown...} (from the capture labeller, sized as payload + 21) take the unassigned short ID 255, so their
     * wire size is kept.
     */
    static byte[] contents(String type, int payloadLength) {
        if (payloadLength < 0 || payloadLength > PacketDecoder.DEFAULT_MAX_CONTENTS - V2MessageCodec.LONG_TYPE_LENGTH) {
            throw new IllegalArgumentException("payload of " + payloadLength + " bytes cannot be replayed");
        }
        OptionalInt id = MessageTypes.shortId(type);
        if (id.isPresent() || type.startsWith("unknown")) {
            byte[] c = new byte[1 + payloadLength];
            c[0] = (byte) (id.isPresent() ? id.getAsInt() : 255);
            return c;
        }
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        if (name.length > V2MessageCodec.LONG_TYPE_LENGTH - 1) {
            throw new IllegalArgumentException("message type '" + type + "' is longer than 12 characters");
        }
        byte[] c = new byte[V2MessageCodec.LONG_TYPE_LENGTH + payloadLength];
        System.arraycopy(name, 0, c, 1, name.length);
        return c;
    }

    /** One replay's state. */
    private static final class Run {
        private final ConnectionTrace workload;
        private final Settings settings;
        private final List<GenuineMessage> messages;
        private final int[] request;
        private final List<List<Integer>> answers;
        private final long[] deliveredAt;
        private final long owd;
        private final long end;
        private final SimulatedClock clock = new SimulatedClock();
        private final CollectingTraceRecorder trace = new CollectingTraceRecorder();
        private final ShapedEngine ours;
        private final ShapedEngine peer;
        private final PriorityQueue<long[]> ready = new PriorityQueue<>((a, b) -> a[0] != b[0]
                ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        private final ArrayDeque<Flight> toPeer = new ArrayDeque<>();
        private final ArrayDeque<Flight> toUs = new ArrayDeque<>();
        /** Indices of messages submitted by each side, in order: deliveries come out in the same order. */
        private final ArrayDeque<Integer> sentByUs = new ArrayDeque<>();
        private final ArrayDeque<Integer> sentByPeer = new ArrayDeque<>();
        /** Our submitted messages not yet on the wire: index, submission time, whether the session was up. */
        private final ArrayDeque<long[]> awaitingRelease = new ArrayDeque<>();
        private final List<Hold> holds = new ArrayList<>();
        /** Per direction, per write in wire order: indices of the messages whose last byte that write carried. */
        private final List<List<Integer>> carriedOut = new ArrayList<>();
        private final List<List<Integer>> carriedIn = new ArrayList<>();
        private int released;
        private final boolean closeAtEnd;

        Run(ConnectionTrace workload, Settings settings, boolean closeAtEnd) {
            this.closeAtEnd = closeAtEnd;
            this.workload = workload;
            this.settings = settings;
            this.messages = workload.messages();
            this.request = settings.causal() ? Causality.requests(messages) : new int[messages.size()];
            if (!settings.causal()) {
                java.util.Arrays.fill(request, -1);
            }
            this.answers = new ArrayList<>(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                answers.add(null);
            }
            for (int i = 0; i < messages.size(); i++) {
                if (request[i] >= 0) {
                    List<Integer> list = answers.get(request[i]);
                    if (list == null) {
                        list = new ArrayList<>(2);
                        answers.set(request[i], list);
                    }
                    list.add(i);
                }
            }
            this.deliveredAt = new long[messages.size()];
            java.util.Arrays.fill(deliveredAt, -1);
            this.owd = settings.oneWayDelay().toNanos();
            this.end = workload.durationNanos() + settings.tail().toNanos();
            TraceRecorder recorder = new TraceRecorder() {
                @Override
                public void message(long timeNanos, Direction direction, String type, int payloadLength) {
                    trace.message(timeNanos, direction, type, payloadLength);
                    if (direction == Direction.OUTBOUND) {
                        onReleased(timeNanos);
                    }
                }

                @Override
                public void write(long timeNanos, Direction direction, int bytes) {
                    trace.write(timeNanos, direction, bytes);
                }
            };
            SplittableRandom seeds = new SplittableRandom(settings.seed());
            this.ours = ShapedEngine.builder(Role.INITIATOR, Network.MAINNET).config(settings.ours()).clock(clock)
                    .shapingRandom(seeds.split()).recorder(recorder).build();
            this.peer = ShapedEngine.builder(Role.RESPONDER, Network.MAINNET).config(settings.peer()).clock(clock)
                    .shapingRandom(seeds.split()).build();
            for (int i = 0; i < messages.size(); i++) {
                if (request[i] < 0) {
                    ready.add(new long[] {messages.get(i).timeNanos(), i});
                }
            }
        }

        Replay run() {
            try {
                drain(ours, toPeer);
                drain(peer, toUs);
                loop();
                if (closeAtEnd) {
                    // Messages not yet submitted by the end were never handed over; held ones were and must leave.
                    ours.closeOutbound();
                    drain(ours, toPeer);
                }
                // Writes still in flight at the end: decode them (no answers follow) so every write is linked.
                while (!toPeer.isEmpty()) {
                    deliver(toPeer.poll(), peer, sentByUs, new ArrayDeque<>());
                }
            } catch (Bip324Exception e) {
                throw new IllegalStateException("replay of " + workload.label() + " failed at "
                        + clock.nanoTime() + " ns: " + e.getMessage(), e);
            } finally {
                ours.close();
                peer.close();
            }
            int ourMessages = (int) messages.stream().filter(m -> m.direction() == Direction.OUTBOUND).count();
            ConnectionTrace observed = trace.trace(workload.label(), 0);
            return new Replay(observed, ours.stats().snapshot(), peer.stats().snapshot(),
                    holds, clock.nanoTime(), ourMessages - released,
                    link(observed, Direction.OUTBOUND, carriedOut), link(observed, Direction.INBOUND, carriedIn));
        }

        /**
         * The exact message-to-write link: the k-th write of a direction is the k-th write the receiving engine
         * decoded, and it carried the messages whose last byte it held (a message cut across writes belongs to the
         * write that completes it). Messages are stamped at their write's instant, as the recorder stamps them.
         */
        private Alignment link(ConnectionTrace observed, Direction direction, List<List<Integer>> carried) {
            List<WireWrite> writes = observed.writes(direction);
            if (direction == Direction.OUTBOUND && carried.size() != writes.size()) {
                throw new IllegalStateException("our engine recorded " + writes.size() + " writes but "
                        + carried.size() + " reached the peer");
            }
            List<LabeledWrite> out = new ArrayList<>(writes.size());
            for (int k = 0; k < writes.size(); k++) {
                WireWrite w = writes.get(k);
                List<GenuineMessage> in = new ArrayList<>();
                if (k < carried.size()) {
                    for (int index : carried.get(k)) {
                        GenuineMessage m = messages.get(index);
                        in.add(new GenuineMessage(w.timeNanos(), direction, m.type(), m.payloadLength()));
                    }
                }
                out.add(new LabeledWrite(w, in));
            }
            return new Alignment(out, 0);
        }

        private void loop() throws Bip324Exception {
            int ticksHere = 0;
            long lastTick = -1;
            while (true) {
                long next = Long.MAX_VALUE;
                if (!ready.isEmpty()) {
                    next = ready.peek()[0];
                }
                if (!toPeer.isEmpty()) {
                    next = Math.min(next, toPeer.peek().arrival);
                }
                if (!toUs.isEmpty()) {
                    next = Math.min(next, toUs.peek().arrival);
                }
                next = Math.min(next, ours.nextDeadlineNanos());
                next = Math.min(next, peer.nextDeadlineNanos());
                if (next == Long.MAX_VALUE || next > end) {
                    clock.advanceTo(Math.max(clock.nanoTime(), Math.min(end, next)));
                    return;
                }
                clock.advanceTo(Math.max(clock.nanoTime(), next));
                long now = clock.nanoTime();
                if (!toPeer.isEmpty() && toPeer.peek().arrival <= now) {
                    deliver(toPeer.poll(), peer, sentByUs, toUs);
                } else if (!toUs.isEmpty() && toUs.peek().arrival <= now) {
                    deliver(toUs.poll(), ours, sentByPeer, toPeer);
                } else if (ours.nextDeadlineNanos() <= now || peer.nextDeadlineNanos() <= now) {
                    ticksHere = now == lastTick ? ticksHere + 1 : 0;
                    lastTick = now;
                    if (ticksHere > MAX_TICKS_AT_ONE_INSTANT) {
                        throw new IllegalStateException("a shaper keeps asking for ticks at " + now + " ns");
                    }
                    if (ours.nextDeadlineNanos() <= now) {
                        ours.tick();
                        drain(ours, toPeer);
                    } else {
                        peer.tick();
                        drain(peer, toUs);
                    }
                } else {
                    submit((int) ready.poll()[1]);
                }
            }
        }

        private void submit(int index) {
            GenuineMessage m = messages.get(index);
            byte[] contents = contents(m.type(), m.payloadLength());
            long now = clock.nanoTime();
            if (m.direction() == Direction.OUTBOUND) {
                sentByUs.add(index);
                awaitingRelease.add(new long[] {index, now, ours.isEstablished() ? 1 : 0});
                ours.sendContents(contents);
                drain(ours, toPeer);
            } else {
                sentByPeer.add(index);
                peer.sendContents(contents);
                drain(peer, toUs);
            }
        }

        private void onReleased(long timeNanos) {
            long[] pending = awaitingRelease.poll();
            if (pending == null) {
                throw new IllegalStateException("our engine released a message that was never submitted");
            }
            released++;
            if (pending[2] == 1) {
                holds.add(new Hold(messages.get((int) pending[0]).type(), pending[1], timeNanos));
            }
        }

        private void deliver(Flight flight, ShapedEngine to, ArrayDeque<Integer> sentBySender,
                ArrayDeque<Flight> replies) throws Bip324Exception {
            to.recordRead(flight.bytes.length);
            List<Integer> carried = new ArrayList<>(1);
            (to == peer ? carriedOut : carriedIn).add(carried);
            ByteBuffer buf = ByteBuffer.wrap(flight.bytes);
            while (buf.hasRemaining()) {
                int before = buf.position();
                to.receive(buf);
                boolean any = false;
                while (to.pollContents() != null) {
                    any = true;
                    Integer index = sentBySender.poll();
                    if (index == null && to == peer && ours.isOutboundDone()) {
                        continue; // our engine's closing ping after the last message, not a replayed one
                    }
                    if (index == null) {
                        throw new IllegalStateException("a message arrived that was never sent");
                    }
                    carried.add(index);
                    delivered(index);
                }
                if (!any && buf.position() == before) {
                    throw new IllegalStateException("the engine consumed nothing of a " + flight.bytes.length
                            + "-byte write");
                }
            }
            drain(to, replies);
        }

        private void delivered(int index) {
            long now = clock.nanoTime();
            deliveredAt[index] = now;
            List<Integer> waiting = answers.get(index);
            if (waiting == null) {
                return;
            }
            GenuineMessage q = messages.get(index);
            long extra = Math.max(0, now - (q.timeNanos() + owd));
            for (int j : waiting) {
                ready.add(new long[] {Math.max(now, messages.get(j).timeNanos() + extra), j});
            }
        }

        private void drain(ShapedEngine from, ArrayDeque<Flight> flights) {
            byte[] w;
            long arrival = clock.nanoTime() + owd;
            while ((w = from.pollWrite()) != null) {
                flights.add(new Flight(arrival, w));
            }
        }
    }

    /** One write on its way. */
    private record Flight(long arrival, byte[] bytes) {
    }
}

package org.bip324shaper.core.shaping;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Decides what one connection's driver writes: the handshake shape, then for each genuine packet and each tick the
 * items of one write. Sans-I/O: it never sleeps, spawns or touches a socket; the driver asks and obeys.
 *
 * <p>Driver contract:
 * <ol>
 *   <li>Call {@link #handshake()} once, before anything else, and send that garbage and those decoys.</li>
 *   <li>For each genuine packet the application submits: append it to a FIFO, call {@link #onGenuine(int)}, and
 *       write the returned {@link Flush} in one write (a {@link WireItem.Genuine} takes the FIFO's head), or in
 *       one write per piece if it has {@link Flush#cuts() cuts}. The flush may release none, one or several held
 *       packets.</li>
 *   <li>Once the handshake is complete, whenever the clock passes {@link #nextDeadlineNanos()}, call
 *       {@link #onTick()} and write what it returns (possibly nothing). Early or spurious calls are harmless.</li>
 *   <li>Optionally report inbound traffic with {@link #onInbound(int)}.</li>
 * </ol>
 *
 * <p>Thread-safe: every method takes one lock, so a writer thread calling {@link #onGenuine} and a decoy thread
 * calling {@link #onTick} may share a shaper. The driver must still write each flush, and take the FIFO heads it
 * names, under its own write lock in the order the shaper returned them.
 */
public final class TrafficShaper {

    private final ReentrantLock lock = new ReentrantLock();
    private final MonotonicClock clock;
    private final ShapingSession padding;
    private final ShapingSession decoys;
    private final TrafficConfig config;
    private boolean handshakeDrawn;
    /** Contents lengths of the genuine packets the driver has queued and no flush has released yet, oldest first. */
    private final ArrayDeque<Integer> held = new ArrayDeque<>();
    /** Their total wire size. */
    private long heldWire;

    /** A shaper on the system clock, drawing from a new {@link SecureRandom}. */
    public TrafficShaper(TrafficConfig config) {
        this(config, MonotonicClock.system(), new SecureRandom());
    }

    public TrafficShaper(TrafficConfig config, MonotonicClock clock, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        long now = clock.nanoTime();
        this.padding = Objects.requireNonNull(config.padding().newSession(random, now), "padding session");
        this.decoys = Objects.requireNonNull(config.decoys().newSession(random, now), "decoy session");
    }

    public TrafficConfig config() {
        return config;
    }

    /** The garbage length and the decoys before the version packet; may be drawn only once per connection. */
    public HandshakeShape handshake() {
        lock.lock();
        try {
            if (handshakeDrawn) {
                throw new HandshakeStateException("the handshake shape was already drawn for this connection");
            }
            handshakeDrawn = true;
            return padding.handshake().merge(decoys.handshake());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The application submitted a genuine packet of {@code contentsLength} bytes, which the driver has queued.
     *
     * @return what to put in one write now; with {@code DISABLED} or {@code RANDOM} padding it is
     *         {@code [Genuine]} or {@code [Genuine, Decoy(n)]}
     * @throws IllegalArgumentException if the length is negative or above
     *                                  {@link ShapingLimits#MAX_PACKET_CONTENTS_LENGTH}
     * @throws HandshakeStateException  if {@link #handshake()} was not called yet
     */
    public Flush onGenuine(int contentsLength) {
        ShapingLimits.checkContentsLength("genuine packet length", contentsLength);
        lock.lock();
        try {
            requireHandshake();
            long now = clock.nanoTime();
            held.addLast(contentsLength);
            heldWire += contentsLength + ProtocolLimits.PACKET_OVERHEAD;
            Flush.Builder out = newBuilder();
            out.allowGenuine(true);
            padding.onGenuine(contentsLength, now, out);
            out.allowGenuine(false);
            Outbound outbound = Outbound.of(out, held.size());
            decoys.onGenuine(contentsLength, now, out);
            return finish(out, outbound, now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the ticks that are due and returns what to write now (often {@link Flush#EMPTY}).
     *
     * @throws HandshakeStateException if {@link #handshake()} was not called yet
     */
    public Flush onTick() {
        lock.lock();
        try {
            requireHandshake();
            long now = clock.nanoTime();
            Flush.Builder out = newBuilder();
            if (now >= padding.nextDeadlineNanos()) {
                out.allowGenuine(true);
                padding.onTick(now, out);
                out.allowGenuine(false);
            }
            Outbound outbound = Outbound.of(out, held.size());
            if (now >= decoys.nextDeadlineNanos()) {
                decoys.onTick(now, out);
            }
            return finish(out, outbound, now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases every held genuine packet now, padded as the padding strategy pads, without waiting for its tick: for
     * a graceful close, and for messages that must not wait (the version handshake). Returns {@link Flush#EMPTY}
     * when nothing is held. The tick schedule is unchanged.
     *
     * @throws IllegalStateException if the padding strategy kept a packet back
     */
    public Flush releaseHeld() {
        lock.lock();
        try {
            requireHandshake();
            if (held.isEmpty()) {
                return Flush.EMPTY;
            }
            long now = clock.nanoTime();
            Flush.Builder out = newBuilder();
            out.allowGenuine(true);
            padding.onRelease(now, out);
            out.allowGenuine(false);
            if (out.heldGenuine() > 0) {
                throw new IllegalStateException("padding strategy " + config.padding() + " kept "
                        + out.heldGenuine() + " genuine packet(s) back when asked to release them all");
            }
            return finish(out, Outbound.of(out, held.size()), now);
        } finally {
            lock.unlock();
        }
    }

    /** Absolute clock time at which the driver must call {@link #onTick()}, or {@link Long#MAX_VALUE} for never. */
    public long nextDeadlineNanos() {
        lock.lock();
        try {
            return Math.min(padding.nextDeadlineNanos(), decoys.nextDeadlineNanos());
        } finally {
            lock.unlock();
        }
    }

    /** The driver read {@code wireBytes} bytes from the peer; strategies that mimic inbound bursts may react. */
    public void onInbound(int wireBytes) {
        if (wireBytes < 0) {
            throw new IllegalArgumentException("inbound byte count must not be negative, was " + wireBytes);
        }
        lock.lock();
        try {
            long now = clock.nanoTime();
            padding.onInbound(wireBytes, now);
            decoys.onInbound(wireBytes, now);
        } finally {
            lock.unlock();
        }
    }

    /** Genuine packets the driver has queued that no flush has released yet. */
    public int heldGenuine() {
        lock.lock();
        try {
            return held.size();
        } finally {
            lock.unlock();
        }
    }

    private void requireHandshake() {
        if (!handshakeDrawn) {
            throw new HandshakeStateException("call handshake() before sending packets or ticking");
        }
    }

    private Flush.Builder newBuilder() {
        return new Flush.Builder(held, held.size(), heldWire);
    }

    private Flush finish(Flush.Builder out, Outbound outbound, long now) {
        Flush flush = out.build();
        for (int released = held.size() - out.heldGenuine(); released > 0; released--) {
            held.removeFirst();
        }
        heldWire = out.heldWireBytes();
        if (!held.isEmpty() && padding.nextDeadlineNanos() == Long.MAX_VALUE) {
            throw new IllegalStateException("padding strategy " + config.padding() + " holds " + held.size()
                    + " genuine packet(s) but scheduled no tick to release them");
        }
        if (!outbound.writeLengths.isEmpty()) {
            decoys.onOutbound(outbound.writeLengths, outbound.genuinePackets, now);
        }
        return flush;
    }

    /** What the padding session put on the wire in one flush, before the decoy session added to it. */
    private record Outbound(List<Integer> writeLengths, int genuinePackets) {
        static Outbound of(Flush.Builder out, int heldBefore) {
            return new Outbound(out.writeLengthsUpTo(out.wireBytes()), heldBefore - out.heldGenuine());
        }
    }

    @Override
    public String toString() {
        return "TrafficShaper[" + config + "]";
    }
}

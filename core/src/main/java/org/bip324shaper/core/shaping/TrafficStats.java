package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wire-level byte and packet counters for one connection, recorded by the driver as it reads and writes. Cheap and
 * thread-safe: counters are {@link LongAdder}s and the last-activity time an {@link AtomicLong}, so reader, writer
 * and decoy threads record without locking. A {@link #snapshot()} taken while others record may mix counts from
 * slightly different moments; each counter on its own is exact.
 */
public final class TrafficStats {

    /** What a recorded chunk of wire bytes was. */
    public enum Kind {
        /** A genuine packet (application message): {@code contents + 20} bytes. */
        GENUINE,
        /** A decoy packet, whether padding, background noise or before the version packet. */
        DECOY,
        /** Handshake garbage, random filler after the public key. */
        GARBAGE,
        /**
         * Fixed handshake overhead: the 64-byte ElligatorSwift public key, the 16-byte garbage terminator and the
         * version packet.
         */
        HANDSHAKE
    }

    private final MonotonicClock clock;
    private final Direction written = new Direction();
    private final Direction read = new Direction();
    private final AtomicLong lastActivityNanos;
    private final LongAdder droppedMessages = new LongAdder();

    /** Stats on the system clock. */
    public TrafficStats() {
        this(MonotonicClock.system());
    }

    /** Stats whose activity times come from {@code clock}; creation counts as the first activity. */
    public TrafficStats(MonotonicClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastActivityNanos = new AtomicLong(clock.nanoTime());
    }

    /** Counts one {@code kind} chunk of {@code wireBytes} bytes written to the peer. */
    public void recordWrite(Kind kind, int wireBytes) {
        written.record(kind, wireBytes);
        touch();
    }

    /** Counts one {@code kind} chunk of {@code wireBytes} bytes read from the peer. */
    public void recordRead(Kind kind, int wireBytes) {
        read.record(kind, wireBytes);
        touch();
    }

    /**
     * Counts one authenticated genuine packet that was dropped instead of delivered: an unknown one-byte message
     * ID or contents without a valid message type, which Bitcoin Core drops without disconnecting. Its wire bytes
     * are already counted as {@link Kind#GENUINE}.
     */
    public void recordDroppedMessage() {
        droppedMessages.increment();
    }

    /** Genuine packets received and dropped so far (see {@link #recordDroppedMessage()}). */
    public long droppedMessages() {
        return droppedMessages.sum();
    }

    /** Clock time of the last recorded read or write (or of creation). */
    public long lastActivityNanos() {
        return lastActivityNanos.get();
    }

    /** Time since the last recorded read or write (or since creation), by this stats' clock. */
    public Duration sinceLastActivity() {
        return Duration.ofNanos(Math.max(0, clock.nanoTime() - lastActivityNanos.get()));
    }

    /** Bytes written divided by bytes read, all kinds; empty until something was read. */
    public OptionalDouble writtenReadRatio() {
        return ratio(written.totalBytes(), read.totalBytes());
    }

    /** An immutable copy of the counters, for logging (it holds no keys or contents). */
    public Snapshot snapshot() {
        return new Snapshot(written.totals(), read.totals(), sinceLastActivity(), droppedMessages.sum());
    }

    private void touch() {
        long now = clock.nanoTime();
        lastActivityNanos.accumulateAndGet(now, Math::max);
    }

    private static OptionalDouble ratio(long written, long read) {
        return read == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) written / read);
    }

    /**
     * Counters of one direction.
     *
     * @param genuineBytes   wire bytes of genuine packets
     * @param genuinePackets genuine packets
     * @param decoyBytes     wire bytes of decoy packets
     * @param decoyPackets   decoy packets
     * @param garbageBytes   handshake garbage bytes
     * @param handshakeBytes fixed handshake overhead bytes (key, terminator, version packet)
     */
    public record Totals(long genuineBytes, long genuinePackets, long decoyBytes, long decoyPackets,
                         long garbageBytes, long handshakeBytes) {

        /** All bytes of this direction. */
        public long totalBytes() {
            return genuineBytes + decoyBytes + garbageBytes + handshakeBytes;
        }

        /** Bytes of everything but genuine packets: the price of the shaping and of the handshake. */
        public long overheadBytes() {
            return decoyBytes + garbageBytes + handshakeBytes;
        }
    }

    /**
     * The counters at one moment.
     *
     * @param written           what was sent
     * @param read              what was received
     * @param sinceLastActivity time since the last read or write
     * @param droppedMessages   received genuine packets dropped for an unknown or invalid message type
     */
    public record Snapshot(Totals written, Totals read, Duration sinceLastActivity, long droppedMessages) {

        /** Bytes written divided by bytes read; empty if nothing was read. */
        public OptionalDouble writtenReadRatio() {
            return ratio(written.totalBytes(), read.totalBytes());
        }
    }

    /** One direction's adders, indexed by {@link Kind#ordinal()}. */
    private static final class Direction {
        private final LongAdder[] bytes = adders();
        private final LongAdder[] packets = adders();

        void record(Kind kind, int wireBytes) {
            Objects.requireNonNull(kind, "kind");
            if (wireBytes < 0) {
                throw new IllegalArgumentException("byte count must not be negative, was " + wireBytes);
            }
            bytes[kind.ordinal()].add(wireBytes);
            packets[kind.ordinal()].increment();
        }

        long totalBytes() {
            long sum = 0;
            for (LongAdder adder : bytes) {
                sum += adder.sum();
            }
            return sum;
        }

        Totals totals() {
            return new Totals(bytes(Kind.GENUINE), packets(Kind.GENUINE), bytes(Kind.DECOY), packets(Kind.DECOY),
                    bytes(Kind.GARBAGE), bytes(Kind.HANDSHAKE));
        }

        private long bytes(Kind kind) {
            return bytes[kind.ordinal()].sum();
        }

        private long packets(Kind kind) {
            return packets[kind.ordinal()].sum();
        }

        private static LongAdder[] adders() {
            LongAdder[] adders = new LongAdder[Kind.values().length];
            for (int i = 0; i < adders.length; i++) {
                adders[i] = new LongAdder();
            }
            return adders;
        }
    }
}

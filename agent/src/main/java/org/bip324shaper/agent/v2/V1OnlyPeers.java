package org.bip324shaper.agent.v2;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Opt-in ({@code v1-memory=}): peers that dropped v2 attempts, so that the next connections to them go straight to
 * v1 instead of losing the v2 timeout again. Off by default, because every entry is a window of plaintext that an
 * on-path attacker can open by cutting one connection; Bitcoin Core keeps no such memory. So when on, one drop is
 * never enough: a peer is remembered only after {@link #DROPS_TO_REMEMBER} drops in a row, each within the memory
 * time of the first, with no v2 success in between. Bounded in size and time: the oldest entry makes room for a
 * new one, and an entry expires so that a peer that upgrades gets v2 again. Thread-safe.
 */
public final class V1OnlyPeers {

    /** Off: nothing is remembered, every connection tries v2 first. */
    public static final Duration OFF = Duration.ZERO;

    /** Consecutive drops before a peer is remembered: one ambiguous event must never suffice. */
    public static final int DROPS_TO_REMEMBER = 2;

    /** Far more peers than a wallet talks to; bounds the memory whatever the peers do. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final long memoryNanos;
    private final int capacity;
    private final LongSupplier nanoClock;
    /** Peer -> its record, oldest first (insertion order; an updated peer moves to the end). */
    private final LinkedHashMap<InetSocketAddress, Entry> entries = new LinkedHashMap<>();

    /** When a peer's current run of drops began, and how many drops it has. */
    private record Entry(long sinceNanos, int drops) {
    }

    /** A memory that is {@link #OFF}. */
    public static V1OnlyPeers off() {
        return new V1OnlyPeers(OFF);
    }

    public V1OnlyPeers(Duration memory) {
        this(memory, DEFAULT_CAPACITY, new LongSupplier() { // no lambda bootstrap in premain
            @Override
            public long getAsLong() {
                return System.nanoTime();
            }
        });
    }

    /**
     * @param memory    how long a peer stays remembered; {@link #OFF} for never
     * @param capacity  the most peers tracked at once
     * @param nanoClock a monotonic clock ({@code System::nanoTime})
     */
    public V1OnlyPeers(Duration memory, int capacity, LongSupplier nanoClock) {
        if (memory.isNegative()) {
            throw new IllegalArgumentException("memory must not be negative, got " + memory);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.memoryNanos = memory.toNanos();
        this.capacity = capacity;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public Duration memory() {
        return Duration.ofNanos(memoryNanos);
    }

    public boolean isOff() {
        return memoryNanos == 0;
    }

    /**
     * Counts a dropped v2 attempt (the peer sent nothing at all).
     *
     * @return whether the peer is now remembered as v1-only
     */
    public synchronized boolean recordDrop(InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        if (isOff()) {
            return false;
        }
        long now = nanoClock.getAsLong();
        purgeExpired(now);
        Entry previous = entries.remove(peer);
        Entry next = previous == null ? new Entry(now, 1) : new Entry(previous.sinceNanos(), previous.drops() + 1);
        if (entries.size() >= capacity) {
            Iterator<InetSocketAddress> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        // a remembered peer's time starts at the drop that decided it
        entries.put(peer, next.drops() >= DROPS_TO_REMEMBER ? new Entry(now, next.drops()) : next);
        return next.drops() >= DROPS_TO_REMEMBER;
    }

    /** The peer completed a v2 handshake: forget its drops. */
    public synchronized void recordV2(InetSocketAddress peer) {
        entries.remove(peer);
    }

    /** Whether {@code peer} is remembered as v1-only. */
    public synchronized boolean isV1Only(InetSocketAddress peer) {
        if (isOff()) {
            return false;
        }
        purgeExpired(nanoClock.getAsLong());
        Entry entry = entries.get(peer);
        return entry != null && entry.drops() >= DROPS_TO_REMEMBER;
    }

    /** Peers remembered as v1-only now. */
    public synchronized int size() {
        purgeExpired(nanoClock.getAsLong());
        int n = 0;
        for (Entry entry : entries.values()) {
            n += entry.drops() >= DROPS_TO_REMEMBER ? 1 : 0;
        }
        return n;
    }

    /** Entries are in the order last updated, so expired ones are at the front. */
    private void purgeExpired(long now) {
        for (Iterator<Map.Entry<InetSocketAddress, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().sinceNanos() < memoryNanos) {
                return;
            }
            it.remove();
        }
    }
}

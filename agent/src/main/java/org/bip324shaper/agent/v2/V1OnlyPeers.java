package org.bip324shaper.agent.v2;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Peers that recently dropped a v2 attempt, so that the next connection to them goes straight to v1 instead of
 * losing the v2 timeout again. Bounded in size and time: the oldest entry makes room for a new one, and an entry
 * expires so that a peer that upgrades gets v2 again. Thread-safe.
 */
public final class V1OnlyPeers {

    /** How long a peer is remembered by default: long enough to cover a wallet's reconnects, short enough to retry. */
    public static final Duration DEFAULT_MEMORY = Duration.ofMinutes(30);

    /** Far more peers than a wallet talks to; bounds the memory whatever the peers do. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final long memoryNanos;
    private final int capacity;
    private final LongSupplier nanoClock;
    /** Peer -> when it was remembered, oldest first (insertion order; a re-remembered peer moves to the end). */
    private final LinkedHashMap<InetSocketAddress, Long> rememberedAt = new LinkedHashMap<>();

    public V1OnlyPeers() {
        this(DEFAULT_MEMORY, DEFAULT_CAPACITY, new LongSupplier() { // no lambda bootstrap in premain
            @Override
            public long getAsLong() {
                return System.nanoTime();
            }
        });
    }

    /**
     * @param memory    how long a peer stays remembered
     * @param capacity  the most peers remembered at once
     * @param nanoClock a monotonic clock ({@code System::nanoTime})
     */
    public V1OnlyPeers(Duration memory, int capacity, LongSupplier nanoClock) {
        if (memory.isNegative() || memory.isZero()) {
            throw new IllegalArgumentException("memory must be positive, got " + memory);
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

    /** Remembers {@code peer} as v1-only from now on. */
    public synchronized void remember(InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        long now = nanoClock.getAsLong();
        purgeExpired(now);
        rememberedAt.remove(peer);
        if (rememberedAt.size() >= capacity) {
            Iterator<InetSocketAddress> oldest = rememberedAt.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        rememberedAt.put(peer, now);
    }

    /** Whether {@code peer} dropped a v2 attempt within the memory time. */
    public synchronized boolean isV1Only(InetSocketAddress peer) {
        purgeExpired(nanoClock.getAsLong());
        return rememberedAt.containsKey(peer);
    }

    public synchronized int size() {
        purgeExpired(nanoClock.getAsLong());
        return rememberedAt.size();
    }

    /** Entries are in the order remembered, so expired ones are at the front. */
    private void purgeExpired(long now) {
        for (Iterator<Map.Entry<InetSocketAddress, Long>> it = rememberedAt.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue() < memoryNanos) {
                return;
            }
            it.remove();
        }
    }
}

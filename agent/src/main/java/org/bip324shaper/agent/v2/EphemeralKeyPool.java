package org.bip324shaper.agent.v2;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Supplier;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;

/**
 * BIP-324 ephemeral keys generated ahead of time, so a connect does not wait for key generation (in a cold JVM
 * the first one takes most of a second: class loading and interpreted field arithmetic). A daemon thread fills
 * the pool once, after a warm-up task, and refills it after every take. Each key leaves the pool once and is
 * destroyed by the handshake that uses it; an empty pool generates inline, as without a pool.
 *
 * <p>Keys are fresh {@link SecureRandom} secrets, as {@link EllSwiftPrivateKey#generate} makes them.
 */
public final class EphemeralKeyPool implements Supplier<EllSwiftPrivateKey> {

    /** bitcoinj opens several connections at once on start. */
    public static final int DEFAULT_CAPACITY = 4;

    private final int capacity;
    private final ArrayDeque<EllSwiftPrivateKey> keys = new ArrayDeque<>();
    /** Made by the first user, not in premain: creating one loads and seeds the security providers. */
    private SecureRandom random;
    private long generatedInline;
    private boolean started;
    /** A connect asked for a key: the filler skips the rest of its start delay. */
    private boolean demanded;

    public EphemeralKeyPool(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Starts the filler thread: it waits {@code delay} (so the JVM's own start-up is not slowed), runs
     * {@code warmUp} once, fills the pool, then refills it whenever a key is taken. Starts at most once.
     */
    public void start(Duration delay, Runnable warmUp) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(warmUp, "warmUp");
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        Thread filler = new Thread(new Runnable() { // no lambda bootstrap in premain
            @Override
            public void run() {
                fill(delay, warmUp);
            }
        }, "bip324-keys");
        filler.setDaemon(true);
        filler.setPriority(Thread.MIN_PRIORITY);
        filler.start();
    }

    /** A fresh key: from the pool if it has one, else generated now. */
    @Override
    public EllSwiftPrivateKey get() {
        synchronized (this) {
            demanded = true;
            notifyAll(); // the filler ends its start delay, or replaces the key taken
            EllSwiftPrivateKey key = keys.pollFirst();
            if (key != null) {
                return key;
            }
            generatedInline++;
        }
        return EllSwiftPrivateKey.generate(random());
    }

    private synchronized SecureRandom random() {
        if (random == null) {
            random = new SecureRandom();
        }
        return random;
    }

    /** Keys ready now. */
    public synchronized int available() {
        return keys.size();
    }

    /** How many takes found the pool empty. */
    public synchronized long generatedInline() {
        return generatedInline;
    }

    private void fill(Duration delay, Runnable warmUp) {
        try {
            synchronized (this) {
                long until = System.nanoTime() + delay.toNanos();
                for (long left = delay.toNanos(); left > 0 && !demanded; left = until - System.nanoTime()) {
                    wait(Math.max(1, left / 1_000_000));
                }
            }
            warmUp.run();
            while (true) {
                synchronized (this) {
                    while (keys.size() >= capacity) {
                        wait();
                    }
                }
                EllSwiftPrivateKey key = EllSwiftPrivateKey.generate(random());
                synchronized (this) {
                    keys.addLast(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // the pool stays as it is; connects generate their keys inline
        }
    }
}

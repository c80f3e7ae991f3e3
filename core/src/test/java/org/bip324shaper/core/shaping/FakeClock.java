package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand; thread-safe so concurrent tests can share it. */
final class FakeClock implements MonotonicClock {
    private final AtomicLong now;

    FakeClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    void set(long nanos) {
        now.set(nanos);
    }

    void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}

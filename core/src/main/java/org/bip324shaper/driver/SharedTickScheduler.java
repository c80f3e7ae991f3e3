package org.bip324shaper.driver;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default timer of {@link AsyncShapedProtocol}: ONE daemon thread for the decoy ticks and handshake timeouts of
 * every connection, instead of a thread per connection. The thread starts when a task is scheduled and ends after
 * {@value #IDLE_SECONDS} s with nothing scheduled, so a JVM without shaped connections holds no thread for it.
 * Cancelled tasks are removed at once, so closed connections leave nothing behind in the queue.
 */
final class SharedTickScheduler {
    static final long IDLE_SECONDS = 1;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final ScheduledExecutorService INSTANCE = create();

    private SharedTickScheduler() {
    }

    static ScheduledExecutorService get() {
        return INSTANCE;
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bip324-ticks-" + THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}

package org.bip324shaper.agent.testing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionFallback;
import org.bip324shaper.agent.events.ConnectionOpened;

/** Collects connection events for tests, which wait on them (bounded) instead of parsing log text. */
public final class RecordingEvents implements ConnectionEvents {
    private final BlockingQueue<ConnectionOpened> opened = new LinkedBlockingQueue<>();
    private final BlockingQueue<ConnectionFallback> fallbacks = new LinkedBlockingQueue<>();
    private final BlockingQueue<ConnectionClosed> closed = new LinkedBlockingQueue<>();
    private final BlockingQueue<ConnectionFailure> failures = new LinkedBlockingQueue<>();

    @Override
    public void opened(ConnectionOpened event) {
        opened.add(event);
    }

    @Override
    public void fellBack(ConnectionFallback event) {
        fallbacks.add(event);
    }

    @Override
    public void closed(ConnectionClosed event) {
        closed.add(event);
    }

    @Override
    public void failed(ConnectionFailure event) {
        failures.add(event);
    }

    public ConnectionOpened nextOpened(Duration limit) throws InterruptedException {
        return take(opened, limit, "open");
    }

    public ConnectionFallback nextFallback(Duration limit) throws InterruptedException {
        return take(fallbacks, limit, "fallback");
    }

    public ConnectionClosed nextClosed(Duration limit) throws InterruptedException {
        return take(closed, limit, "close");
    }

    public ConnectionFailure nextFailure(Duration limit) throws InterruptedException {
        return take(failures, limit, "failure");
    }

    private static <T> T take(BlockingQueue<T> queue, Duration limit, String what) throws InterruptedException {
        T event = queue.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no " + what + " event within " + limit);
        }
        return event;
    }
}

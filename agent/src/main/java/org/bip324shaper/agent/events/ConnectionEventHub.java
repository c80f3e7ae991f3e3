package org.bip324shaper.agent.events;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each event to every subscribed listener, in subscription order. A listener that throws is skipped for
 * that event (and counted): observing a connection must never break it.
 */
public final class ConnectionEventHub implements ConnectionEvents {

    private final List<ConnectionEvents> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong listenerFailures = new AtomicLong();

    public ConnectionEventHub(ConnectionEvents... initial) {
        for (ConnectionEvents listener : initial) {
            subscribe(listener);
        }
    }

    /** Adds a listener; returns a handle that removes it. */
    public AutoCloseable subscribe(ConnectionEvents listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return new AutoCloseable() {
            @Override
            public void close() {
                listeners.remove(listener);
            }
        };
    }

    /** How many times a listener threw. */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    @Override
    public void opened(ConnectionOpened event) {
        for (ConnectionEvents listener : listeners) {
            try {
                listener.opened(event);
            } catch (RuntimeException e) {
                listenerFailures.incrementAndGet();
            }
        }
    }

    @Override
    public void fellBack(ConnectionFallback event) {
        for (ConnectionEvents listener : listeners) {
            try {
                listener.fellBack(event);
            } catch (RuntimeException e) {
                listenerFailures.incrementAndGet();
            }
        }
    }

    @Override
    public void closed(ConnectionClosed event) {
        for (ConnectionEvents listener : listeners) {
            try {
                listener.closed(event);
            } catch (RuntimeException e) {
                listenerFailures.incrementAndGet();
            }
        }
    }

    @Override
    public void failed(ConnectionFailure event) {
        for (ConnectionEvents listener : listeners) {
            try {
                listener.failed(event);
            } catch (RuntimeException e) {
                listenerFailures.incrementAndGet();
            }
        }
    }
}

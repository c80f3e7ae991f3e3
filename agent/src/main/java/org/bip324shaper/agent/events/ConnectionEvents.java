package org.bip324shaper.agent.events;

/**
 * What happens to the connections the agent, the proxy or the socket factory carries: one {@link #opened} per
 * connection whose upstream is open (after a {@link #fellBack} if the v2 attempt was dropped), then one
 * {@link #closed}; a connection whose upstream cannot be opened gets a {@link #failed} and no open or close.
 * {@link #failed} also reports bad data that ends an open connection (its {@link #closed} follows).
 *
 * <p>The log lines are formatted from these events ({@link ConnectionLogLines}) and the MBean counts them; an
 * application or a test subscribes the same way. Events carry addresses, transports, session ids and byte counts,
 * never keys or message contents. Methods are called on the connection's own threads and must return quickly;
 * a listener that throws is ignored by {@link ConnectionEventHub}, never fails the connection.
 */
public interface ConnectionEvents {

    /** The upstream is open: transport chosen, v2 handshake done. */
    default void opened(ConnectionOpened event) {
    }

    /** The peer dropped the v2 attempt before its key; the connection continues over v1. */
    default void fellBack(ConnectionFallback event) {
    }

    /** Both sides are closed; the counts are final. */
    default void closed(ConnectionClosed event) {
    }

    /** The upstream could not be opened, or bad data ended the connection. */
    default void failed(ConnectionFailure event) {
    }

    /** Listens to nothing. */
    ConnectionEvents NONE = new ConnectionEvents() {
    };
}

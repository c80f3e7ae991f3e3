package org.bip324shaper.agent.events;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The peer dropped the v2 attempt before its key arrived; it is redialed with v1 and remembered as v1-only.
 *
 * @param reason   how the peer dropped it, e.g. {@code peer closed the connection before its key}
 * @param remember how long the peer is remembered as v1-only
 */
public record ConnectionFallback(long id, InetSocketAddress peer, String reason, Duration remember) {
    public ConnectionFallback {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(remember, "remember");
    }
}

package org.bip324shaper.agent.intercept;

import java.net.InetSocketAddress;
import java.util.Objects;

/** What to do with one connect: send it to the bridge, or leave it alone (and why). */
public sealed interface RedirectDecision permits RedirectDecision.Redirect, RedirectDecision.Pass {

    /** Connect to the bridge instead; the bridge then reaches {@code peer}. */
    record Redirect(InetSocketAddress peer) implements RedirectDecision {
        public Redirect {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** Let the connect go where it was going. */
    record Pass(Reason reason) implements RedirectDecision {
        public Pass {
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum Reason {
        /** Not an IP socket address (e.g. a Unix domain socket). */
        NOT_INET,
        /** The destination port is not one of the configured bitcoin ports. */
        PORT_NOT_SELECTED,
        /** The host name was not resolved (the JDK will refuse it, or a proxy resolves it). */
        UNRESOLVED,
        /** A loopback (or wildcard) destination while {@code loopback=false}. */
        LOOPBACK_NOT_ENABLED,
        /** The socket goes through a proxy (e.g. SOCKS to Tor): redirecting would bypass it. */
        PROXIED,
        /** The destination is the bridge itself. */
        BRIDGE_ITSELF
    }
}

package org.bip324shaper.agent.bridge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Connects the bridge's accepted sockets to the wallet connects that were redirected to it. Before a redirected
 * connect starts, its socket is bound and the pairing (wallet local port -> real peer) recorded here; when the
 * bridge accepts, the accepted socket's remote port must name a pending pairing, which is then consumed. So only
 * this JVM's redirected sockets get relayed, each exactly once; any other local process is refused.
 */
final class PendingPairings {

    /** More pending connects than any wallet makes at once; beyond it, new redirects fail open (go direct). */
    static final int MAX_PENDING = 1024;

    /** A redirected connect waiting for the bridge to accept it. */
    record Pairing(long connectionId, InetSocketAddress walletLocal, InetSocketAddress peer, long createdNanos) {
        Pairing {
            Objects.requireNonNull(walletLocal, "walletLocal");
            Objects.requireNonNull(peer, "peer");
        }
    }

    private final Map<Integer, Pairing> byWalletPort = new HashMap<>();
    private final long ttlNanos;
    private final LongSupplier nanoClock;

    /**
     * @param ttl       how long an unclaimed pairing stays valid; the bridge accepts within milliseconds of the
     *                  connect, so this only bounds leftovers of connects that failed
     * @param nanoClock a monotonic clock ({@code System::nanoTime})
     */
    PendingPairings(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Records a pairing; a stale one for the same port (a closed earlier socket) is replaced. */
    synchronized Pairing expect(long connectionId, InetSocketAddress walletLocal, InetSocketAddress peer)
            throws IOException {
        long now = nanoClock.getAsLong();
        purgeExpired(now);
        if (byWalletPort.size() >= MAX_PENDING && !byWalletPort.containsKey(walletLocal.getPort())) {
            throw new IOException("too many redirected connects pending (" + MAX_PENDING + ")");
        }
        Pairing pairing = new Pairing(connectionId, walletLocal, peer, now);
        byWalletPort.put(walletLocal.getPort(), pairing);
        return pairing;
    }

    /**
     * Consumes the pairing for a socket the bridge accepted from {@code acceptedRemote}, if there is one. A
     * pairing whose wallet socket was bound to a specific address only matches that address; one bound to the
     * wildcard only matches a loopback source. A non-matching source leaves the pairing in place.
     */
    synchronized Optional<Pairing> claim(InetSocketAddress acceptedRemote) {
        long now = nanoClock.getAsLong();
        purgeExpired(now);
        Pairing pairing = byWalletPort.get(acceptedRemote.getPort());
        if (pairing == null || !sourceMatches(pairing.walletLocal(), acceptedRemote.getAddress())) {
            return Optional.empty();
        }
        byWalletPort.remove(acceptedRemote.getPort());
        return Optional.of(pairing);
    }

    /** Drops the pairing for a wallet port (its connect failed). */
    synchronized void cancel(int walletPort, long connectionId) {
        Pairing pairing = byWalletPort.get(walletPort);
        if (pairing != null && pairing.connectionId() == connectionId) {
            byWalletPort.remove(walletPort);
        }
    }

    synchronized int size() {
        return byWalletPort.size();
    }

    private static boolean sourceMatches(InetSocketAddress walletLocal, InetAddress source) {
        if (source == null) {
            return false;
        }
        InetAddress bound = walletLocal.getAddress();
        if (bound == null || bound.isAnyLocalAddress()) {
            return source.isLoopbackAddress();
        }
        return bound.equals(source);
    }

    private void purgeExpired(long now) {
        for (Iterator<Pairing> it = byWalletPort.values().iterator(); it.hasNext(); ) {
            if (now - it.next().createdNanos() > ttlNanos) {
                it.remove();
            }
        }
    }
}

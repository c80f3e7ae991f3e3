package org.bip324shaper.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PendingPairingsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final PendingPairings pairings = new PendingPairings(Duration.ofSeconds(10), now::get);
    private final InetSocketAddress peer = address("203.0.113.5", 8333);

    private static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress wildcard(int port) {
        return new InetSocketAddress(port);
    }

    @Test
    void aPairingIsClaimedOnceFromLoopback() throws IOException {
        pairings.expect(7, wildcard(50_000), peer);
        Optional<PendingPairings.Pairing> claimed = pairings.claim(address("127.0.0.1", 50_000));
        assertTrue(claimed.isPresent());
        assertEquals(7, claimed.get().connectionId());
        assertEquals(peer, claimed.get().peer());
        assertEquals(Optional.empty(), pairings.claim(address("127.0.0.1", 50_000)), "one-shot");
        assertEquals(0, pairings.size());
    }

    @Test
    void anUnknownPortClaimsNothing() throws IOException {
        pairings.expect(1, wildcard(50_000), peer);
        assertEquals(Optional.empty(), pairings.claim(address("127.0.0.1", 50_001)));
        assertEquals(1, pairings.size());
    }

    @Test
    void aWildcardBoundWalletOnlyMatchesLoopbackSources() throws IOException {
        pairings.expect(1, wildcard(50_000), peer);
        assertEquals(Optional.empty(), pairings.claim(address("192.0.2.9", 50_000)));
        assertEquals(1, pairings.size(), "a mismatching source must not use up the real wallet's pairing");
        assertTrue(pairings.claim(address("::1", 50_000)).isPresent());
    }

    @Test
    void aWalletBoundToAnAddressOnlyMatchesThatAddress() throws IOException {
        pairings.expect(1, address("192.0.2.7", 50_000), peer);
        assertEquals(Optional.empty(), pairings.claim(address("127.0.0.1", 50_000)));
        assertTrue(pairings.claim(address("192.0.2.7", 50_000)).isPresent());
    }

    @Test
    void unclaimedPairingsExpire() throws IOException {
        pairings.expect(1, wildcard(50_000), peer);
        now.addAndGet(Duration.ofSeconds(10).toNanos()); // exactly the TTL: still valid
        pairings.expect(2, wildcard(50_001), peer);
        assertTrue(pairings.claim(address("127.0.0.1", 50_000)).isPresent());
        now.addAndGet(Duration.ofSeconds(10).toNanos() + 1);
        assertEquals(Optional.empty(), pairings.claim(address("127.0.0.1", 50_001)));
        assertEquals(0, pairings.size());
    }

    @Test
    void cancelOnlyRemovesTheSameConnection() throws IOException {
        pairings.expect(1, wildcard(50_000), peer);
        pairings.expect(2, wildcard(50_000), peer); // the port was reused by a newer socket
        pairings.cancel(50_000, 1);
        assertEquals(1, pairings.size(), "a stale cancel must not drop the newer pairing");
        pairings.cancel(50_000, 2);
        assertEquals(0, pairings.size());
    }

    @Test
    void theNewestPairingForAPortWins() throws IOException {
        pairings.expect(1, wildcard(50_000), peer);
        InetSocketAddress otherPeer = address("198.51.100.1", 18444);
        pairings.expect(2, wildcard(50_000), otherPeer);
        assertEquals(otherPeer, pairings.claim(address("127.0.0.1", 50_000)).orElseThrow().peer());
    }

    @Test
    void pendingPairingsAreCapped() throws IOException {
        for (int i = 0; i < PendingPairings.MAX_PENDING; i++) {
            pairings.expect(i, wildcard(10_000 + i), peer);
        }
        assertThrows(IOException.class, () -> pairings.expect(99_999, wildcard(60_000), peer));
        pairings.expect(5, wildcard(10_000), peer); // replacing an existing port is still fine
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        pairings.expect(99_999, wildcard(60_000), peer); // expired ones make room
        assertEquals(1, pairings.size());
    }
}

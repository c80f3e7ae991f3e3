package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class V1OnlyPeersTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private V1OnlyPeers peers(Duration memory, int capacity) {
        return new V1OnlyPeers(memory, capacity, now::get);
    }

    private static InetSocketAddress peer(int i) {
        return new InetSocketAddress("192.0.2." + (i % 250 + 1), 8333 + i / 250);
    }

    /** Drops {@code peer} as often as it takes to be remembered. */
    private static void remember(V1OnlyPeers peers, InetSocketAddress peer) {
        for (int i = 1; i < V1OnlyPeers.DROPS_TO_REMEMBER; i++) {
            assertFalse(peers.recordDrop(peer));
        }
        assertTrue(peers.recordDrop(peer));
    }

    @Test
    void offByDefaultRemembersNothing() {
        V1OnlyPeers peers = V1OnlyPeers.off();
        assertTrue(peers.isOff());
        for (int i = 0; i < 5; i++) {
            assertFalse(peers.recordDrop(peer(1)));
        }
        assertFalse(peers.isV1Only(peer(1)));
        assertEquals(0, peers.size());
    }

    @Test
    void oneDropIsNeverEnough() {
        V1OnlyPeers peers = peers(Duration.ofMinutes(10), 10);
        assertFalse(peers.recordDrop(peer(1)));
        assertFalse(peers.isV1Only(peer(1)), "one ambiguous event must not downgrade later connections");
        assertTrue(peers.recordDrop(peer(1)));
        assertTrue(peers.isV1Only(peer(1)));
    }

    @Test
    void aV2SuccessBetweenDropsStartsTheCountAgain() {
        V1OnlyPeers peers = peers(Duration.ofMinutes(10), 10);
        peers.recordDrop(peer(1));
        peers.recordV2(peer(1));
        assertFalse(peers.recordDrop(peer(1)));
        assertFalse(peers.isV1Only(peer(1)));
    }

    @Test
    void dropsFurtherApartThanTheMemoryDoNotAddUp() {
        V1OnlyPeers peers = peers(Duration.ofMinutes(10), 10);
        peers.recordDrop(peer(1));
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertFalse(peers.recordDrop(peer(1)));
        assertFalse(peers.isV1Only(peer(1)));
    }

    @Test
    void rememberedPeersExpireAfterTheMemoryTime() {
        V1OnlyPeers peers = peers(Duration.ofMinutes(10), 10);
        remember(peers, peer(1));
        assertFalse(peers.isV1Only(peer(2)));
        assertFalse(peers.isV1Only(new InetSocketAddress("192.0.2.2", 8334)), "another port is another peer");
        now.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
        assertTrue(peers.isV1Only(peer(1)));
        now.addAndGet(1);
        assertFalse(peers.isV1Only(peer(1)), "expired: the peer may have upgraded");
        assertEquals(0, peers.size());
    }

    @Test
    void theOldestPeerMakesRoomWhenFull() {
        V1OnlyPeers peers = peers(Duration.ofMinutes(30), 3);
        for (int i = 0; i < 1000; i++) {
            remember(peers, peer(i));
            now.incrementAndGet();
        }
        assertEquals(3, peers.size());
        assertTrue(peers.isV1Only(peer(999)) && peers.isV1Only(peer(998)) && peers.isV1Only(peer(997)));
        assertFalse(peers.isV1Only(peer(996)));
        assertFalse(peers.isV1Only(peer(0)));
    }

    @Test
    void boundedWhateverThePeersDo() {
        V1OnlyPeers peers = new V1OnlyPeers(Duration.ofMinutes(10));
        for (int i = 0; i < V1OnlyPeers.DEFAULT_CAPACITY + 10; i++) {
            remember(peers, peer(i));
        }
        assertEquals(V1OnlyPeers.DEFAULT_CAPACITY, peers.size());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> peers(Duration.ofMinutes(-1), 1));
        assertThrows(IllegalArgumentException.class, () -> peers(Duration.ofMinutes(1), 0));
        assertThrows(NullPointerException.class, () -> peers(Duration.ofMinutes(1), 1).recordDrop(null));
    }
}

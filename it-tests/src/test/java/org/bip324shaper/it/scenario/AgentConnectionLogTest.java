package org.bip324shaper.it.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConnectionLogTest {

    @Test
    void pairsOpenAndCloseLinesByConnectionId() {
        String stderr = String.join("\n",
                "[bip324] INFO  agent active: padding=random,decoy=random,ports=18444",
                "SLF4J(W): No SLF4J providers were found.",
                "[bip324] INFO  #1 open peer=127.0.0.1:18444 network=regtest transport=v2 session=ab01cd",
                "[bip324] INFO  #2 open peer=127.0.0.1:18444 network=regtest transport=v1 session=- (v1 fallback: "
                        + "peer closed the connection before its key)",
                "[bip324] INFO  #1 close peer=127.0.0.1:18444 wallet->peer=100 peer->wallet=2000 bytes; v2 wire sent "
                        + "genuine=90 decoy=10 handshake=300 received genuine=2100 decoy=0 handshake=180; undelivered=0 msgs/0 bytes",
                "[bip324] WARN  #3 failed: IOException: reset");
        List<AgentConnectionLog> connections = AgentConnectionLog.parse(stderr);

        assertEquals(2, connections.size());
        AgentConnectionLog first = connections.get(0);
        assertEquals(1, first.id());
        assertEquals(Optional.of("127.0.0.1:18444"), first.peer());
        assertEquals(Optional.of("v2"), first.transport());
        assertEquals(Optional.of("ab01cd"), first.sessionId());
        assertTrue(first.isClosed());
        assertEquals("100", first.close().get("wallet->peer"));
        assertEquals(Map.of("sent.genuine", "90", "sent.decoy", "10", "received.genuine", "2100",
                "received.decoy", "0"), first.genuineAndDecoyFields());
        assertEquals("300", first.close().get("sent.handshake"));
        assertEquals("180", first.close().get("received.handshake"));
        assertEquals(Optional.of(0L), first.undeliveredMessages(), "after a ';' keys have no section");
        assertEquals("127.0.0.1:18444", first.close().get("peer"), "fields before any section word are unprefixed");

        AgentConnectionLog second = connections.get(1);
        assertEquals(Optional.of("v1"), second.transport());
        assertEquals(Optional.empty(), second.sessionId(), "session=- is v1's no session");
        assertFalse(second.isClosed());
        assertTrue(second.genuineAndDecoyFields().isEmpty());
    }

    @Test
    void ignoresLinesThatAreNotConnectionEvents() {
        assertTrue(AgentConnectionLog.parse("[bip324] INFO  redirect 127.0.0.1:1 -> bridge 127.0.0.1:2\nhello")
                .isEmpty());
    }
}

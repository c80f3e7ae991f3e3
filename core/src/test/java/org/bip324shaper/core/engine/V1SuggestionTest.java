package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.junit.jupiter.api.Test;

/** Every branch of Bitcoin Core's ShouldReconnectV1 as the engine keeps it. */
class V1SuggestionTest {

    private static ShapedEngine engine(Role role) {
        return ShapedEngine.builder(role, Network.REGTEST).build();
    }

    /** Hands out the engine's writes as a driver would and reports them written. */
    private static int writeAll(ShapedEngine e) {
        int n = 0;
        OutboundWrite w;
        while ((w = e.pollOutbound()) != null) {
            e.recordWritten(w.bytes().length);
            n += w.bytes().length;
        }
        return n;
    }

    @Test
    void anInitiatorWhoseKeyWentOutAndHeardNothingMayRetryV1() {
        ShapedEngine initiator = engine(Role.INITIATOR);
        assertEquals(64, writeAll(initiator));
        assertEquals(V1Suggestion.RETRY_V1, initiator.v1Suggestion());
        initiator.close(); // the driver closes first and asks afterwards
        assertEquals(V1Suggestion.RETRY_V1, initiator.v1Suggestion());
    }

    @Test
    void aV1HeadersWorthOfTheKeyIsEnough() {
        ShapedEngine initiator = engine(Role.INITIATOR);
        initiator.pollOutbound();
        initiator.recordWritten(ShapedEngine.V1_HEADER_LENGTH - 1);
        assertEquals(V1Suggestion.ABORT, initiator.v1Suggestion(), "a v1 node has not seen a whole header yet");
        initiator.recordWritten(1);
        assertEquals(V1Suggestion.RETRY_V1, initiator.v1Suggestion());
    }

    @Test
    void keyNotOutAborts() {
        ShapedEngine polledOnly = engine(Role.INITIATOR);
        polledOnly.pollOutbound(); // handed to a driver whose write then failed: never reported written
        assertEquals(V1Suggestion.ABORT, polledOnly.v1Suggestion());

        ShapedEngine noKeyYet = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).delegateKeyWork(true).build();
        noKeyYet.recordWritten(0);
        assertEquals(V1Suggestion.ABORT, noKeyYet.v1Suggestion());
    }

    @Test
    void aResponderNeverRetriesV1() {
        ShapedEngine responder = engine(Role.RESPONDER);
        responder.recordWritten(64);
        assertEquals(V1Suggestion.ABORT, responder.v1Suggestion());
    }

    @Test
    void anyByteReceivedAborts() throws Bip324Exception {
        ShapedEngine fed = engine(Role.INITIATOR);
        writeAll(fed);
        fed.receive(ByteBuffer.wrap(new byte[] {0x11, 0x22}));
        assertEquals(V1Suggestion.ABORT, fed.v1Suggestion());

        ShapedEngine readOnly = engine(Role.INITIATOR);
        writeAll(readOnly);
        readOnly.recordRead(2); // read by the driver, not fed yet (the read failed the handshake first)
        assertEquals(V1Suggestion.ABORT, readOnly.v1Suggestion());

        ShapedEngine waiting = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).delegateKeyWork(true).build();
        waiting.pollTask().run();
        writeAll(waiting);
        ReceiveStatus status = waiting.receive(ByteBuffer.wrap(new byte[64]));
        assertTrue(status.needsTask(), "the key is in, the ECDH is pending");
        assertEquals(V1Suggestion.ABORT, waiting.v1Suggestion());
    }

    @Test
    void aCompleteHandshakeAborts() throws Bip324Exception {
        ShapedEngine initiator = engine(Role.INITIATOR);
        ShapedEngine responder = engine(Role.RESPONDER);
        for (int i = 0; i < 10 && !(initiator.isEstablished() && responder.isEstablished()); i++) {
            move(initiator, responder);
            move(responder, initiator);
        }
        assertTrue(initiator.isEstablished());
        assertEquals(V1Suggestion.ABORT, initiator.v1Suggestion());
        initiator.close();
        assertEquals(V1Suggestion.ABORT, initiator.v1Suggestion());
    }

    private static void move(ShapedEngine from, ShapedEngine to) throws Bip324Exception {
        OutboundWrite w;
        while ((w = from.pollOutbound()) != null) {
            from.recordWritten(w.bytes().length);
            ByteBuffer buf = ByteBuffer.wrap(w.bytes());
            while (buf.hasRemaining()) {
                to.receive(buf);
            }
        }
    }
}

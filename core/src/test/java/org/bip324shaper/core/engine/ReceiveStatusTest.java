package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.junit.jupiter.api.Test;

/** The status {@link ShapedEngine#receive} returns is what a driver needs, without looking at buffer positions. */
class ReceiveStatusTest {

    @Test
    void statusReportsConsumptionRepliesEstablishmentAndReadyMessages() throws Exception {
        ShapedEngine initiator = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).build();
        ShapedEngine responder = ShapedEngine.builder(Role.RESPONDER, Network.REGTEST).build();

        byte[] keyAndGarbage = initiator.pollWrite();
        ReceiveStatus first = responder.receive(ByteBuffer.wrap(keyAndGarbage));
        assertEquals(keyAndGarbage.length, first.bytesConsumed());
        assertTrue(first.wantsWrite(), "the responder answers with its key, terminator and version packet");
        assertFalse(first.established(), "the initiator's terminator and version packet are still to come");

        ReceiveStatus atInitiator = initiator.receive(ByteBuffer.wrap(responder.pollWrite()));
        assertTrue(atInitiator.established());
        assertTrue(atInitiator.wantsWrite(), "its terminator and version packet go out");
        ReceiveStatus done = responder.receive(ByteBuffer.wrap(initiator.pollWrite()));
        assertTrue(done.established());
        assertEquals(0, done.messagesReady());

        initiator.send(new NetworkMessage("ping", new byte[8]));
        initiator.send(new NetworkMessage("ping", new byte[8]));
        ByteBuffer twoPackets = ByteBuffer.allocate(2 * 29);
        twoPackets.put(initiator.pollWrite()).put(initiator.pollWrite()).flip();
        ReceiveStatus one = responder.receive(twoPackets);
        assertEquals(29, one.bytesConsumed(), "the engine stops at a ready message");
        assertEquals(1, one.messagesReady());
        ReceiveStatus blocked = responder.receive(twoPackets);
        assertEquals(0, blocked.bytesConsumed(), "nothing more until the application polls");
        responder.pollMessage();
        ReceiveStatus two = responder.receive(twoPackets);
        assertEquals(29, two.bytesConsumed());
        assertEquals(1, two.messagesReady());
        assertFalse(two.wantsWrite());
    }
}

package org.bip324shaper.core.engine;

import static org.bip324shaper.core.engine.StoppedClockEngines.deliver;
import static org.bip324shaper.core.engine.StoppedClockEngines.engine;
import static org.bip324shaper.core.engine.StoppedClockEngines.establishedPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's half of "nothing a wallet hands over is lost": {@link ShapedEngine#closeOutbound()} puts every accepted
 * message into the writes at once, whatever the strategy holds, and the version handshake is never held. The clock
 * never moves in these tests, so a message that waited for a tick would be missing.
 */
class LosslessCloseTest {
    static List<String> configs() {
        List<String> specs = new ArrayList<>(List.of("none", "random"));
        for (ShapingPreset p : ShapingPreset.values()) {
            specs.add(p.configName());
        }
        return specs;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void closeOutboundPutsEveryAcceptedMessageOnTheWireAtOnce(String spec) throws Exception {
        List<NetworkMessage> toOurs = new ArrayList<>();
        List<NetworkMessage> toPeer = new ArrayList<>();
        ShapedEngine[] pair = establishedPair(spec, toOurs, toPeer);
        ShapedEngine ours = pair[0];
        ShapedEngine peer = pair[1];
        Random r = new Random(spec.hashCode());
        List<NetworkMessage> sent = new ArrayList<>();
        String[] types = {"ping", "inv", "tx", "filterload", "getblocks", "mempool"};
        for (int i = 0; i < 40; i++) {
            byte[] payload = new byte[r.nextInt(8) == 0 ? 3_500 + r.nextInt(200) : r.nextInt(300)];
            r.nextBytes(payload);
            NetworkMessage m = new NetworkMessage(types[r.nextInt(types.length)], payload);
            assertEquals(i + 3, ours.send(m), "sequence numbers count the accepted messages, version and verack first");
            sent.add(m);
        }
        // bitcoinj writes its tx and closes at once: no tick comes in between
        ours.send(new NetworkMessage("tx", new byte[225]));
        sent.add(new NetworkMessage("tx", new byte[225]));
        ours.closeOutbound();
        assertEquals(Long.MAX_VALUE, ours.nextDeadlineNanos(), "a closed outbound half ticks no more");
        Delivery last = deliver(ours, peer, toPeer);

        assertTrue(ours.isOutboundDone());
        assertEquals(sent.size() + 1, toPeer.size(), "messages lost on close under " + spec);
        assertEquals("ping", toPeer.get(sent.size()).command(), "the closing ping comes after the last message");
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i).command(), toPeer.get(i).command());
            assertArrayEquals(sent.get(i).copyPayload(), toPeer.get(i).copyPayload());
        }
        assertNotNull(last);
        assertEquals(sent.size() + 2, ours.accepted().messages());
        assertEquals(ours.accepted(), last, "the last write completes the whole ledger");
        assertThrows(HandshakeStateException.class, () -> ours.send(new NetworkMessage("ping", new byte[8])));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void afterTheLastMessageAClosingPingAsksABitcoinPeerForItsReceipt(String spec) throws Exception {
        List<NetworkMessage> toOurs = new ArrayList<>();
        List<NetworkMessage> toPeer = new ArrayList<>();
        ShapedEngine[] pair = establishedPair(spec, toOurs, toPeer); // the peer sent its verack
        ShapedEngine ours = pair[0];
        ShapedEngine peer = pair[1];
        ours.send(new NetworkMessage("tx", new byte[225]));
        assertTrue(ours.isCloseAcknowledged(), "nothing to acknowledge before the close");
        ours.closeOutbound();
        assertFalse(ours.isCloseAcknowledged());
        deliver(ours, peer, toPeer);
        assertTrue(ours.isOutboundDone(), "the closing ping is not the application's: the ledger is complete");
        assertEquals(List.of("tx", "ping"), toPeer.stream().map(NetworkMessage::command).toList());
        peer.send(new NetworkMessage("inv", new byte[37]));
        peer.send(new NetworkMessage("pong", new byte[8])); // a pong with another nonce is the application's
        deliver(peer, ours, toOurs);
        assertFalse(ours.isCloseAcknowledged(), "only the pong to our own nonce acknowledges");
        peer.send(NetworkMessage.copyOf("pong", toPeer.get(1).payload()));
        deliver(peer, ours, toOurs);
        assertTrue(ours.isCloseAcknowledged());
        assertEquals(List.of("inv", "pong"), toOurs.stream().map(NetworkMessage::command).toList(),
                "the receipt is not handed to the application");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void messagesQueuedBeforeTheSessionLeaveWhenItExistsIfClosedMeanwhile(String spec) throws Exception {
        ShapedEngine ours = engine(Role.INITIATOR, ShapingStrategies.parse(spec), 3);
        ShapedEngine peer = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 4);
        ours.send(new NetworkMessage("version", new byte[102]));
        ours.send(new NetworkMessage("ping", new byte[8]));
        ours.closeOutbound();
        assertFalse(ours.isOutboundDone(), "nothing is written before the session exists");
        List<NetworkMessage> toPeer = new ArrayList<>();
        List<NetworkMessage> toOurs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            deliver(ours, peer, toPeer);
            deliver(peer, ours, toOurs);
        }
        assertTrue(ours.isOutboundDone());
        assertEquals(List.of("version", "ping"), toPeer.stream().map(NetworkMessage::command).toList());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void theVersionHandshakeIsNeverHeldButLaterSmallMessagesMayBe(String spec) throws Exception {
        List<NetworkMessage> toOurs = new ArrayList<>();
        List<NetworkMessage> toPeer = new ArrayList<>();
        establishedPair(spec, toOurs, toPeer); // asserts the version and verack left without a tick
        // sendaddrv2 before the peer's verack is part of it too
        ShapedEngine ours = engine(Role.INITIATOR, ShapingStrategies.parse(spec), 11);
        ShapedEngine peer = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 12);
        for (int i = 0; i < 4; i++) {
            deliver(ours, peer, toPeer);
            deliver(peer, ours, toOurs);
        }
        toPeer.clear();
        for (String type : List.of("version", "wtxidrelay", "sendaddrv2", "verack")) {
            ours.send(new NetworkMessage(type, new byte[type.equals("version") ? 102 : 0]));
            deliver(ours, peer, toPeer);
            assertEquals(type, toPeer.get(toPeer.size() - 1).command(), type + " waited under " + spec);
        }
    }
}

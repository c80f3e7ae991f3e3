package org.bip324shaper.core.engine;

import static org.bip324shaper.core.engine.StoppedClockEngines.deliver;
import static org.bip324shaper.core.engine.StoppedClockEngines.engine;
import static org.bip324shaper.core.engine.StoppedClockEngines.establishedPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.Test;

/**
 * {@link Release#NOW}: a message that must not wait for the ticker leaves at once, with what the ticker held before
 * it and in order, padded as a release pads; {@link Release#SHAPED} (the default) still waits. The clock never
 * moves, so anything that waited for a tick would be missing.
 */
class ReleaseNowTest {
    private static final String WALLET = ShapingPreset.WALLET.configName();
    private static final NetworkMessage GETBLOCKS = new NetworkMessage("getblocks", new byte[4 + 1 + 21 * 32 + 32]);

    @Test
    void aShapedMessageWaitsForTheTickAndANowMessageTakesItAlong() throws Exception {
        List<NetworkMessage> toOurs = new ArrayList<>();
        List<NetworkMessage> toPeer = new ArrayList<>();
        ShapedEngine[] pair = establishedPair(WALLET, toOurs, toPeer);
        ShapedEngine ours = pair[0];
        ShapedEngine peer = pair[1];
        NetworkMessage getdata = new NetworkMessage("getdata", new byte[37]);

        ours.send(getdata);
        deliver(ours, peer, toPeer);
        assertEquals(List.of(), toPeer, "the wallet ticker holds a small getdata for its tick");
        assertEquals(1, ours.heldPackets());

        ours.send(GETBLOCKS, Release.NOW);
        deliver(ours, peer, toPeer);
        assertEquals(List.of(getdata, GETBLOCKS), toPeer, "released at once, the held one first");
        assertEquals(0, ours.heldPackets());

        ours.send(getdata);
        deliver(ours, peer, toPeer);
        assertEquals(2, toPeer.size(), "after a NOW message the ticker holds again");
    }

    @Test
    void aReleaseIsPaddedToOneOfTheTickerSizes() throws Exception {
        List<NetworkMessage> toOurs = new ArrayList<>();
        List<NetworkMessage> toPeer = new ArrayList<>();
        ShapedEngine ours = establishedPair(WALLET, toOurs, toPeer)[0];
        ours.send(new NetworkMessage("getdata", new byte[37]), Release.NOW);
        OutboundWrite w = ours.pollOutbound();
        assertNotNull(w, "a NOW message is a write without a tick");
        assertNull(ours.pollOutbound(), "one write");
        assertTrue(List.of(29, 80, 416, 1280).contains(w.bytes().length),
                "a release that fits the ticker is one of its write sizes, was " + w.bytes().length);
    }

    @Test
    void nowMessagesAcceptedBeforeTheSessionAreReleasedWhenItStarts() throws Exception {
        ShapedEngine ours = engine(Role.INITIATOR, ShapingStrategies.parse(WALLET), 21);
        ShapedEngine peer = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 22);
        List<NetworkMessage> toOurs = new ArrayList<>();
        List<NetworkMessage> toPeer = new ArrayList<>();
        // accepted while handshaking: the inv ends the version handshake (it is not part of it), so it may be held
        ours.send(new NetworkMessage("inv", new byte[37]));
        ours.send(GETBLOCKS, Release.NOW);
        for (int i = 0; i < 4 && !(ours.isEstablished() && peer.isEstablished()); i++) {
            deliver(ours, peer, toPeer);
            deliver(peer, ours, toOurs);
        }
        assertTrue(ours.isEstablished());
        assertEquals(List.of("inv", "getblocks"), toPeer.stream().map(NetworkMessage::command).toList());
    }

    @Test
    void theReleaseIsRequired() throws Exception {
        ShapedEngine ours = establishedPair(WALLET, new ArrayList<>(), new ArrayList<>())[0];
        assertThrows(NullPointerException.class, () -> ours.send(GETBLOCKS, null));
    }
}

package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.MonotonicClock;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;

/** Engine pairs on a clock that never moves, wired by hand: what leaves without a tick is all that arrives. */
final class StoppedClockEngines {
    /** Never advanced: a message that waited for a tick would be missing. */
    private static final MonotonicClock CLOCK = () -> 5_000_000_000L;

    private StoppedClockEngines() {
    }

    static ShapedEngine engine(Role role, TrafficConfig config, long seed) {
        return ShapedEngine.builder(role, Network.REGTEST).config(config).clock(CLOCK)
                .shapingRandom(new SplittableRandom(seed)).build();
    }

    /** Moves every write from one engine to the other; returns the last ledger position moved. */
    static Delivery deliver(ShapedEngine from, ShapedEngine to, List<NetworkMessage> sink)
            throws Bip324Exception {
        Delivery last = null;
        OutboundWrite w;
        while ((w = from.pollOutbound()) != null) {
            last = w.delivered();
            ByteBuffer buf = ByteBuffer.wrap(w.bytes());
            while (buf.hasRemaining()) {
                to.receive(buf);
                NetworkMessage m;
                while ((m = to.pollMessage()) != null) {
                    sink.add(m);
                }
            }
        }
        return last;
    }

    /** Two established engines, ours shaped by {@code spec}, with their version handshake done. */
    static ShapedEngine[] establishedPair(String spec, List<NetworkMessage> toOurs, List<NetworkMessage> toPeer)
            throws Bip324Exception {
        ShapedEngine ours = engine(Role.INITIATOR, ShapingStrategies.parse(spec), spec.hashCode());
        ShapedEngine peer = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 7);
        for (int i = 0; i < 4 && !(ours.isEstablished() && peer.isEstablished()); i++) {
            deliver(ours, peer, toPeer);
            deliver(peer, ours, toOurs);
        }
        assertTrue(ours.isEstablished() && peer.isEstablished());
        ours.send(new NetworkMessage("version", new byte[102]));
        peer.send(new NetworkMessage("version", new byte[102]));
        peer.send(new NetworkMessage("verack", new byte[0]));
        ours.send(new NetworkMessage("verack", new byte[0]));
        deliver(ours, peer, toPeer);
        deliver(peer, ours, toOurs);
        assertEquals(2, toPeer.size(), "the version handshake waited for a tick under " + spec);
        assertEquals(2, toOurs.size());
        toPeer.clear();
        toOurs.clear();
        return new ShapedEngine[] {ours, peer};
    }
}

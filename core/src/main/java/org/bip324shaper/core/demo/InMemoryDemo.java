package org.bip324shaper.core.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * The README's first command: two engines, an initiator and a responder, shake hands in memory with RANDOM padding,
 * exchange a few bitcoin messages and print the session id and what went on the wire.
 */
public final class InMemoryDemo {
    private InMemoryDemo() {
    }

    public static void main(String[] args) throws Bip324Exception {
        Network network = args.length > 0 ? Network.parse(args[0]) : Network.MAINNET;
        TrafficConfig shaping = TrafficConfig.builder()
                .padding(PaddingStrategy.RANDOM).decoys(DecoyStrategy.RANDOM).build();
        ShapedEngine initiator = ShapedEngine.builder(Role.INITIATOR, network).config(shaping).build();
        ShapedEngine responder = ShapedEngine.builder(Role.RESPONDER, network).config(shaping).build();

        List<NetworkMessage> toInitiator = new ArrayList<>();
        List<NetworkMessage> toResponder = new ArrayList<>();
        pump(initiator, responder, toInitiator, toResponder);
        System.out.println("network     " + network.id());
        System.out.println("session id  initiator " + initiator.sessionIdHex().orElseThrow());
        System.out.println("            responder " + responder.sessionIdHex().orElseThrow());

        List<NetworkMessage> fromInitiator = List.of(
                new NetworkMessage("version", "a version payload".getBytes(StandardCharsets.US_ASCII)),
                new NetworkMessage("verack", new byte[0]),
                new NetworkMessage("ping", new byte[8]),
                new NetworkMessage("getheaders", new byte[1061]));
        for (NetworkMessage m : fromInitiator) {
            initiator.send(m);
        }
        responder.send(new NetworkMessage("verack", new byte[0]));
        responder.send(new NetworkMessage("pong", new byte[8]));
        pump(initiator, responder, toInitiator, toResponder);

        for (NetworkMessage m : toResponder) {
            System.out.printf("responder got  %-12s %5d payload bytes%n", m.command(), m.payloadLength());
        }
        for (NetworkMessage m : toInitiator) {
            System.out.printf("initiator got  %-12s %5d payload bytes%n", m.command(), m.payloadLength());
        }
        print("initiator", initiator.stats());
        print("responder", responder.stats());
        initiator.close();
        responder.close();
    }

    /** Moves every pending write across, both ways, until both sides are quiet; collects what arrives. */
    private static void pump(ShapedEngine a, ShapedEngine b, List<NetworkMessage> toA, List<NetworkMessage> toB)
            throws Bip324Exception {
        while (deliver(a, b, toB) | deliver(b, a, toA)) {
            // keep going: an answer may have been produced
        }
    }

    private static boolean deliver(ShapedEngine from, ShapedEngine to, List<NetworkMessage> sink)
            throws Bip324Exception {
        boolean moved = false;
        byte[] write;
        while ((write = from.pollWrite()) != null) {
            moved = true;
            to.recordRead(write.length);
            ByteBuffer buf = ByteBuffer.wrap(write);
            while (buf.hasRemaining()) {
                to.receive(buf); // returns after each genuine packet
                NetworkMessage m;
                while ((m = to.pollMessage()) != null) {
                    sink.add(m);
                }
            }
        }
        return moved;
    }

    private static void print(String who, TrafficStats stats) {
        TrafficStats.Snapshot s = stats.snapshot();
        System.out.printf("%s wrote %s%n", who, s.written());
        System.out.printf("%s read  %s%n", who, s.read());
    }
}

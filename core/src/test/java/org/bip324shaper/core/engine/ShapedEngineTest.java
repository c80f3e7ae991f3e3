package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.MonotonicClock;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.TraceRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShapedEngineTest {
    /** A fake clock both engines share; tests move it. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final MonotonicClock clock = now::get;

    private ShapedEngine engine(Role role, TrafficConfig config, long seed, TraceRecorder recorder) {
        return ShapedEngine.builder(role, Network.REGTEST).config(config).clock(clock)
                .shapingRandom(new SplittableRandom(seed)).recorder(recorder).build();
    }

    /** Delivers every pending write from one engine to the other; returns the sizes of the writes moved. */
    private static List<Integer> deliver(ShapedEngine from, ShapedEngine to, List<NetworkMessage> sink)
            throws Bip324Exception {
        List<Integer> sizes = new ArrayList<>();
        byte[] w;
        while ((w = from.pollWrite()) != null) {
            sizes.add(w.length);
            to.recordRead(w.length);
            ByteBuffer buf = ByteBuffer.wrap(w);
            while (buf.hasRemaining()) {
                to.receive(buf);
                NetworkMessage m;
                while ((m = to.pollMessage()) != null) {
                    sink.add(m);
                }
            }
        }
        return sizes;
    }

    private void runUntilQuiet(ShapedEngine a, ShapedEngine b, List<NetworkMessage> toA, List<NetworkMessage> toB)
            throws Bip324Exception {
        for (int i = 0; i < 1000; i++) {
            boolean moved = !deliver(a, b, toB).isEmpty() | !deliver(b, a, toA).isEmpty();
            long next = Math.min(a.nextDeadlineNanos(), b.nextDeadlineNanos());
            if (!moved) {
                if (next == Long.MAX_VALUE || a.heldPackets() + b.heldPackets() == 0) {
                    return;
                }
                now.set(Math.max(now.get(), next));
                a.tick();
                b.tick();
            }
        }
    }

    static List<String> configs() {
        List<String> specs = new ArrayList<>(List.of("none", "random"));
        for (ShapingPreset p : ShapingPreset.values()) {
            specs.add(p.configName());
        }
        return specs;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("configs")
    void everyMessageArrivesOnceInOrderUnderEveryPreset(String spec) throws Exception {
        TrafficConfig config = ShapingStrategies.parse(spec);
        ShapedEngine a = engine(Role.INITIATOR, config, 1, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 2, TraceRecorder.NONE);
        List<NetworkMessage> toA = new ArrayList<>();
        List<NetworkMessage> toB = new ArrayList<>();
        Random r = new Random(spec.hashCode());
        List<NetworkMessage> sentByA = new ArrayList<>();
        List<NetworkMessage> sentByB = new ArrayList<>();
        String[] types = {"ping", "inv", "tx", "headers", "version", "block", "addrv2"};
        // Sent before the handshake is over: they wait for the session.
        NetworkMessage early = new NetworkMessage("version", new byte[102]);
        a.send(early);
        sentByA.add(early);
        for (int i = 0; i < 200; i++) {
            byte[] payload = new byte[r.nextInt(10) == 0 ? r.nextInt(200_000) : r.nextInt(300)];
            r.nextBytes(payload);
            NetworkMessage m = new NetworkMessage(types[r.nextInt(types.length)], payload);
            if (r.nextBoolean()) {
                a.send(m);
                sentByA.add(m);
            } else {
                b.send(m);
                sentByB.add(m);
            }
            if (r.nextInt(5) == 0) {
                runUntilQuiet(a, b, toA, toB);
                now.addAndGet(r.nextInt(3_000_000_00));
            }
        }
        runUntilQuiet(a, b, toA, toB);
        assertTrue(a.isEstablished() && b.isEstablished());
        assertEquals(sentByA, toB, spec);
        assertEquals(sentByB, toA, spec);
        assertArrayEquals(a.sessionId().orElseThrow(), b.sessionId().orElseThrow());
        // What one side counts as written, the other counts as read, kind by kind.
        assertEquals(a.stats().snapshot().written(), b.stats().snapshot().read(), spec);
        assertEquals(b.stats().snapshot().written(), a.stats().snapshot().read(), spec);
    }

    @Test
    void packetsWithoutAValidMessageTypeAreDroppedAndCountedAndTheConnectionLives() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT, 3, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 4, TraceRecorder.NONE);
        List<NetworkMessage> toB = new ArrayList<>();
        runUntilQuiet(a, b, new ArrayList<>(), toB);
        // as Bitcoin Core's GetMessageType rejects them: empty, a long form cut short, a bad command, an unknown ID
        a.sendContents(new byte[0]);
        a.sendContents(new byte[] {0, 'p', 'i', 'n', 'g'});
        a.sendContents(new byte[] {0, 'p', 1, 'n', 'g', 0, 0, 0, 0, 0, 0, 0, 0});
        a.sendContents(new byte[] {(byte) 250, 1, 2});
        NetworkMessage after = new NetworkMessage("ping", new byte[8]);
        a.send(after);
        runUntilQuiet(a, b, new ArrayList<>(), toB);
        assertEquals(List.of(after), toB, "only the valid message is delivered, and the engine still works");
        assertEquals(4, b.stats().droppedMessages());
        assertEquals(4, b.stats().snapshot().droppedMessages());
        assertEquals(5, b.stats().snapshot().read().genuinePackets(), "dropped packets still count as read");
        b.send(new NetworkMessage("pong", new byte[8]));
        List<NetworkMessage> toA = new ArrayList<>();
        runUntilQuiet(a, b, toA, new ArrayList<>());
        assertEquals(1, toA.size());
    }

    @Test
    void randomPaddingPutsEachGenuinePacketAndItsDecoyInOneWrite() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, ShapingStrategies.parse("random"), 7, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 8, TraceRecorder.NONE);
        runUntilQuiet(a, b, new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 50; i++) {
            a.send(new NetworkMessage("ping", new byte[8]));
            List<Integer> sizes = deliver(a, b, new ArrayList<>());
            assertEquals(1, sizes.size(), "one write per genuine packet");
            int decoyWire = sizes.get(0) - (1 + 8 + 20);
            assertTrue(decoyWire >= 21 && decoyWire <= 1024 + 20, "padding decoy of " + decoyWire + " wire bytes");
        }
    }

    @Test
    void unshapedWritesAreExactlyThePacket() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT, 1, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 2, TraceRecorder.NONE);
        runUntilQuiet(a, b, new ArrayList<>(), new ArrayList<>());
        a.send(new NetworkMessage("ping", new byte[8]));
        assertEquals(List.of(29), deliver(a, b, new ArrayList<>()));
        a.send(new NetworkMessage("version", new byte[100]));
        assertEquals(List.of(133), deliver(a, b, new ArrayList<>()));
        assertEquals(Long.MAX_VALUE, a.nextDeadlineNanos());
    }

    @Test
    void traceStampsEachMessageWithTheWriteThatCarriedIt() throws Exception {
        List<String> events = new ArrayList<>();
        TraceRecorder recorder = new TraceRecorder() {
            @Override
            public void message(long t, Direction d, String type, int payloadLength) {
                events.add("M " + t + " " + d.code() + " " + type + " " + payloadLength);
            }

            @Override
            public void write(long t, Direction d, int bytes) {
                events.add("W " + t + " " + d.code() + " " + bytes);
            }
        };
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT, 1, recorder);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 2, TraceRecorder.NONE);
        runUntilQuiet(a, b, new ArrayList<>(), new ArrayList<>());
        events.clear();
        now.set(5_000_000_000L);
        a.send(new NetworkMessage("ping", new byte[8]));
        deliver(a, b, new ArrayList<>());
        now.set(6_000_000_000L);
        b.send(new NetworkMessage("pong", new byte[8]));
        deliver(b, a, new ArrayList<>());
        assertEquals(List.of("M 5000000000 out ping 8", "W 5000000000 out 29",
                "W 6000000000 in 29", "M 6000000000 in pong 8"), events);
    }

    @Test
    void aFailedEngineRefusesFurtherUse() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT, 1, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 2, TraceRecorder.NONE);
        runUntilQuiet(a, b, new ArrayList<>(), new ArrayList<>());
        a.send(new NetworkMessage("ping", new byte[8]));
        byte[] w = a.pollWrite();
        w[w.length - 1] ^= 1;
        assertThrows(org.bip324shaper.core.AuthenticationException.class, () -> b.receive(ByteBuffer.wrap(w)));
        assertThrows(EngineFailedException.class, () -> b.receive(ByteBuffer.wrap(new byte[1])));
        assertThrows(EngineFailedException.class, () -> b.send(new NetworkMessage("ping", new byte[8])));
        b.close();
        assertTrue(b.isClosed());
        assertNull(b.pollWrite());
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "lean", "balanced"})
    void decoysTickOnTheClockAndAreCountedByThePeer(String spec) throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, ShapingStrategies.parse(spec), 3, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 4, TraceRecorder.NONE);
        runUntilQuiet(a, b, new ArrayList<>(), new ArrayList<>());
        long decoysBefore = b.stats().snapshot().read().decoyPackets();
        long end = now.get() + 600_000_000_000L; // ten simulated minutes
        while (now.get() < end) {
            now.set(a.nextDeadlineNanos());
            a.tick();
            deliver(a, b, new ArrayList<>());
        }
        long decoys = b.stats().snapshot().read().decoyPackets() - decoysBefore;
        assertTrue(decoys > 0, spec + " sent no decoys in ten idle minutes");
        assertEquals(TrafficStats.Kind.values().length, 4);
        assertFalse(a.stats().snapshot().written().decoyBytes() == 0);
    }

    @Test
    void sendRejectsOversizeContents() {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT, 1, TraceRecorder.NONE);
        assertThrows(IllegalArgumentException.class, () -> a.sendContents(new byte[4_000_014]));
    }

    @EnumSource(Role.class)
    @ParameterizedTest
    void closeZeroesAndRefuses(Role role) {
        ShapedEngine a = engine(role, TrafficConfig.DEFAULT, 1, TraceRecorder.NONE);
        a.close();
        a.close();
        assertThrows(EngineClosedException.class, () -> a.send(new NetworkMessage("ping", new byte[8])));
    }

    @Test
    void aV1PeerGetsBackEverythingTheDriverRead() throws Exception {
        ShapedEngine responder = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 1, TraceRecorder.NONE);
        org.bip324shaper.core.message.V1FrameEncoder v1 =
                new org.bip324shaper.core.message.V1FrameEncoder(Network.REGTEST);
        byte[] version = v1.encode(new NetworkMessage("version", new byte[102]));
        byte[] verack = v1.encode(new NetworkMessage("verack", new byte[0]));
        ByteBuffer read = ByteBuffer.allocate(version.length + verack.length).put(version).put(verack).flip();
        org.bip324shaper.core.V1PeerException e =
                assertThrows(org.bip324shaper.core.V1PeerException.class, () -> responder.receive(read));
        ByteBuffer expected = ByteBuffer.allocate(read.capacity()).put(version).put(verack);
        assertArrayEquals(expected.array(), e.receivedBytes());
        assertFalse(read.hasRemaining());
        assertNull(responder.pollWrite(), "a responder must not answer a v1 peer");
    }

    @Test
    void sessionIdStaysReadableAfterClose() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT, 1, TraceRecorder.NONE);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT, 2, TraceRecorder.NONE);
        runUntilQuiet(a, b, new ArrayList<>(), new ArrayList<>());
        String id = a.sessionIdHex().orElseThrow();
        a.close();
        assertEquals(id, a.sessionIdHex().orElseThrow());
        assertEquals(id, b.sessionIdHex().orElseThrow());
    }

    @Test
    void theBuilderRejectsABadContentsLimitWhenItIsSet() {
        ShapedEngine.Builder b = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST);
        assertThrows(IllegalArgumentException.class, () -> b.maxContentsLength(0));
        // above what a packet can encode: refused here, not when the peer's key arrives
        assertThrows(IllegalArgumentException.class, () -> b.maxContentsLength(1 << 24));
        assertThrows(NullPointerException.class, () -> b.aead(null));
        assertTrue(b.maxContentsLength((1 << 24) - 1).build().pollWrite().length >= 64);
    }
}

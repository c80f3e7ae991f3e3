package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.Loopback.Kind;
import org.bip324shaper.driver.Loopback.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The queueing strategies through both drivers: a ticker that holds small packets until its next tick, cuts large
 * writes into pieces and adds mimic episodes and handshake decoys. Nothing may be lost, reordered or released
 * early, whichever driver ticks.
 */
class HoldingStrategiesTest {
    /** A fast ticker (2..6 ms), so the test does not wait for the presets' seconds. */
    private static final TrafficConfig FAST_TICKER = ShapingStrategies.parse(
            "ticker:sizes=80/160/320/640/1280,min=2ms,max=6ms,threshold=1024,front=1024,chunks=4"
            + "+mimic:rate=3600/h,quiet=5ms,min-episode=4096,min-write=1281,max-episode=32768,"
            + "max-per-hour=1048576,default=2048@0ms"
            + "+handshake:garbage=0..4095,decoys=0..2,decoy-length=1..64");
    private static final NetworkMessage END = new NetworkMessage("end-of-test", new byte[0]);
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("org.bip324shaper.driver.Loopback#pairings")
    void heldAndCutMessagesArriveOnceInOrderBothWays(Kind initiatorKind, Kind responderKind) {
        long seed = new Random().nextLong();
        List<NetworkMessage> toResponder = messages(new Random(seed));
        List<NetworkMessage> toInitiator = messages(new Random(~seed));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pair pair = loopback.connect(initiatorKind, responderKind, FAST_TICKER)) {
                Future<?> a = loopback.pool.submit(() -> sendAll(pair.initiator(), toResponder));
                Future<?> b = loopback.pool.submit(() -> sendAll(pair.responder(), toInitiator));
                Future<List<NetworkMessage>> atResponder = loopback.pool.submit(() -> receiveAll(pair.responder()));
                Future<List<NetworkMessage>> atInitiator = loopback.pool.submit(() -> receiveAll(pair.initiator()));
                assertEquals(toResponder, atResponder.get(), "initiator -> responder, seed " + seed);
                assertEquals(toInitiator, atInitiator.get(), "responder -> initiator, seed " + seed);
                a.get();
                b.get();
                assertTrue(pair.responder().stats().snapshot().read().decoyPackets() > 0, "ticks fill with decoys");
            }
        });
    }

    private static Void sendAll(Endpoint e, List<NetworkMessage> messages) throws Exception {
        for (NetworkMessage m : messages) {
            e.send(m);
        }
        e.send(END);
        e.flush();
        return null;
    }

    private static List<NetworkMessage> receiveAll(Endpoint e) throws Exception {
        List<NetworkMessage> received = new ArrayList<>();
        for (NetworkMessage m = e.receive(); !m.equals(END); m = e.receive()) {
            received.add(m);
        }
        return received;
    }

    /** Mostly small (held by the ticker), some above its threshold (cut), one of 1 MiB. */
    private static List<NetworkMessage> messages(Random random) {
        List<NetworkMessage> list = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int size = i == 75 ? 1 << 20 : random.nextInt(8) == 0 ? 1024 + random.nextInt(40_000) : random.nextInt(300);
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            list.add(new NetworkMessage(i % 3 == 0 ? "tx" : "inv", payload));
        }
        return list;
    }

    @Test
    void blockingCloseSendsWhatTheTickerStillHolds() {
        TrafficConfig slowTicker = ShapingStrategies.parse("ticker:sizes=80/160/320,min=5s,max=6s");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.BLOCKING, Kind.BLOCKING, slowTicker)) {
                ShapedProtocol sender = ((Endpoint.Blocking) pair.initiator()).p;
                NetworkMessage ping = new NetworkMessage("ping", new byte[8]);
                sender.write(ping);
                assertEquals(0, sender.stats().snapshot().written().genuinePackets(),
                        "the ticker holds the packet for seconds");
                Future<NetworkMessage> received = loopback.pool.submit(() -> {
                    NetworkMessage first = pair.responder().receive();
                    assertThrows(java.io.EOFException.class, () -> pair.responder().receive());
                    pair.responder().close(); // as Core does at the end of the stream, which ends our linger
                    return first;
                });
                long start = System.nanoTime();
                sender.close(); // must not drop the held ping, and must not wait for the tick
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "close waited for the ticker");
                assertEquals(ping, received.get());
            }
        });
    }

    @Test
    void asyncWriteOfAHeldPacketCompletesOnlyWhenItsTickWroteIt() {
        TrafficConfig slowTicker = ShapingStrategies.parse("ticker:sizes=80/160/320,min=300ms,max=400ms");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC, slowTicker)) {
                AsyncShapedProtocol sender = ((Endpoint.Async) pair.initiator()).p;
                NetworkMessage ping = new NetworkMessage("ping", new byte[8]);
                long genuineBefore = sender.stats().snapshot().written().genuinePackets();
                CompletableFuture<Void> written = sender.write(ping);
                assertFalse(written.isDone(), "the ticker holds the packet, so nothing was written yet");
                written.get();
                assertEquals(genuineBefore + 1, sender.stats().snapshot().written().genuinePackets());
                sender.close(); // what was written before close arrives
                assertEquals(ping, pair.responder().receive());
            }
        });
    }

    @Test
    void blockingWriteNowTakesWhatTheTickerHoldsAlongAtOnce() {
        TrafficConfig slowTicker = ShapingStrategies.parse("ticker:sizes=80/160/320/1280,min=5s,max=6s");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.BLOCKING, Kind.BLOCKING, slowTicker)) {
                ShapedProtocol sender = ((Endpoint.Blocking) pair.initiator()).p;
                NetworkMessage getdata = new NetworkMessage("getdata", new byte[37]);
                NetworkMessage getblocks = new NetworkMessage("getblocks", new byte[700]);
                long before = sender.stats().snapshot().written().genuinePackets();
                sender.write(getdata);
                assertEquals(before, sender.stats().snapshot().written().genuinePackets(), "held for the tick");
                sender.write(getblocks, Release.NOW);
                assertEquals(before + 2, sender.stats().snapshot().written().genuinePackets(),
                        "a NOW write returns once it and the held one are written");
                assertEquals(getdata, pair.responder().receive());
                assertEquals(getblocks, pair.responder().receive());
            }
        });
    }

    @Test
    void asyncWriteNowCompletesWithoutATick() {
        TrafficConfig slowTicker = ShapingStrategies.parse("ticker:sizes=80/160/320/1280,min=5s,max=6s");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC, slowTicker)) {
                AsyncShapedProtocol sender = ((Endpoint.Async) pair.initiator()).p;
                NetworkMessage getdata = new NetworkMessage("getdata", new byte[37]);
                NetworkMessage getblocks = new NetworkMessage("getblocks", new byte[700]);
                CompletableFuture<Void> held = sender.write(getdata);
                CompletableFuture<Void> now = sender.write(getblocks, Release.NOW);
                now.get(4, TimeUnit.SECONDS); // the ticker's first tick is 5 s away
                assertTrue(held.isDone(), "the held message went out with the NOW one, before it");
                assertEquals(getdata, pair.responder().receive());
                assertEquals(getblocks, pair.responder().receive());
            }
        });
    }
}

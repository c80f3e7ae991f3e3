package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.Loopback.Kind;
import org.bip324shaper.driver.Loopback.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bitcoinj writes its {@code tx} and closes at once. Over real sockets, with every preset's real (seconds-long)
 * ticks, every message written before a graceful close must reach the peer, in order, and the close must not wait for
 * a tick; only an abort drops, and it says how much.
 */
class CloseDeliversTest {
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    static Stream<Arguments> presetsAndDrivers() {
        List<String> specs = new ArrayList<>(List.of("none", "random"));
        for (ShapingPreset p : ShapingPreset.values()) {
            specs.add(p.configName());
        }
        return specs.stream().flatMap(spec -> Stream.of(Kind.BLOCKING, Kind.ASYNC).map(k -> Arguments.of(spec, k)));
    }

    @ParameterizedTest(name = "{0}, {1} sender")
    @MethodSource("presetsAndDrivers")
    void everyMessageWrittenBeforeCloseReachesThePeer(String spec, Kind senderKind) {
        TrafficConfig config = ShapingStrategies.parse(spec);
        List<NetworkMessage> sent = messages(new Random(spec.hashCode()));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pair pair = loopback.connect(senderKind, Kind.BLOCKING,
                    Loopback.options(Role.INITIATOR, config), Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT))) {
                Future<List<NetworkMessage>> received = loopback.pool.submit(() -> receiveUntilEnd(pair.responder()));
                long start = System.nanoTime();
                Delivery undelivered;
                if (senderKind == Kind.BLOCKING) {
                    ShapedProtocol sender = ((Endpoint.Blocking) pair.initiator()).p;
                    for (NetworkMessage m : sent) {
                        sender.write(m);
                    }
                    sender.close();
                    undelivered = sender.undelivered();
                } else {
                    AsyncShapedProtocol sender = ((Endpoint.Async) pair.initiator()).p;
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    for (NetworkMessage m : sent) {
                        writes.add(sender.write(m)); // not awaited: a ticker would complete them only on its tick
                    }
                    undelivered = sender.closeGracefully().get(10, TimeUnit.SECONDS);
                    for (CompletableFuture<Void> w : writes) {
                        assertTrue(w.isDone() && !w.isCompletedExceptionally(), "a write's future failed on close");
                    }
                }
                long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(Delivery.NONE, undelivered, spec);
                assertEquals(sent, received.get(), "messages lost or reordered on close under " + spec);
                assertTrue(closeMillis < 1_500, "close waited " + closeMillis + " ms, as if for a tick");
            }
        });
    }

    @ParameterizedTest(name = "{0} sender")
    @org.junit.jupiter.params.provider.EnumSource(Kind.class)
    void anAbortDropsWhatTheTickerHoldsAndCountsIt(Kind senderKind) {
        TrafficConfig slowTicker = ShapingStrategies.parse("ticker:sizes=160/320/640,min=20s,max=30s");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(senderKind, Kind.BLOCKING,
                    Loopback.options(Role.INITIATOR, slowTicker), Loopback.options(Role.RESPONDER, slowTicker))) {
                NetworkMessage ping = new NetworkMessage("ping", new byte[8]);
                NetworkMessage inv = new NetworkMessage("inv", new byte[37]);
                Delivery undelivered;
                if (senderKind == Kind.BLOCKING) {
                    ShapedProtocol sender = ((Endpoint.Blocking) pair.initiator()).p;
                    sender.write(ping);
                    sender.write(inv);
                    sender.abort();
                    undelivered = sender.undelivered();
                } else {
                    AsyncShapedProtocol sender = ((Endpoint.Async) pair.initiator()).p;
                    CompletableFuture<Void> a = sender.write(ping);
                    CompletableFuture<Void> b = sender.write(inv);
                    sender.abort();
                    undelivered = sender.undelivered();
                    assertTrue(a.isCompletedExceptionally() && b.isCompletedExceptionally());
                }
                assertEquals(new Delivery(2, 9 + 38), undelivered, "ping (1+8) and inv (1+37) contents");
                assertThrows(EOFException.class, () -> pair.responder().receive());
            }
        });
    }

    @Test
    void twoConcurrentClosesDrainOnceAndBothReturnClosed() {
        TrafficConfig slowTicker = ShapingStrategies.parse("ticker:sizes=160/320/640,min=20s,max=30s");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.BLOCKING, Kind.BLOCKING,
                    Loopback.options(Role.INITIATOR, slowTicker), Loopback.options(Role.RESPONDER, slowTicker))) {
                ShapedProtocol sender = ((Endpoint.Blocking) pair.initiator()).p;
                NetworkMessage ping = new NetworkMessage("ping", new byte[8]);
                sender.write(ping); // held by the ticker for 20 s or more
                Future<List<NetworkMessage>> received = loopback.pool.submit(() -> receiveUntilEnd(pair.responder()));
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<Future<Object>> closes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    closes.add(loopback.pool.submit(() -> {
                        start.await();
                        sender.close();
                        return null;
                    }));
                }
                start.countDown();
                for (Future<Object> c : closes) {
                    c.get(10, TimeUnit.SECONDS);
                    assertTrue(sender.isClosed());
                }
                assertEquals(List.of(ping), received.get(), "the held ping arrives exactly once");
                assertEquals(Delivery.NONE, sender.undelivered());
                assertEquals(1, sender.stats().snapshot().written().genuinePackets());
            }
        });
    }

    @Test
    void aPeerThatStopsReadingCannotHoldCloseBeyondTheLinger() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.BLOCKING,
                    Loopback.options(Role.INITIATOR, TrafficConfig.DEFAULT).closeLinger(Duration.ofMillis(300)),
                    Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT))) {
                AsyncShapedProtocol sender = ((Endpoint.Async) pair.initiator()).p;
                for (int i = 0; i < 7; i++) { // 7 MiB: more than loopback socket buffers take, under the backlog cap
                    sender.write(new NetworkMessage("block", new byte[1 << 20]));
                }
                long start = System.nanoTime();
                Delivery undelivered = sender.closeGracefully().get(10, TimeUnit.SECONDS);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(undelivered.messages() > 0, "the silent peer cannot have taken 7 MiB");
                assertTrue(millis >= 250 && millis < 3_000, "close took " + millis + " ms against a 300 ms linger");
                assertEquals(undelivered, sender.undelivered());
            }
        });
    }

    @Test
    void blockingCloseAgainstAPeerThatStopsReadingEndsWithinTheLinger() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(Kind.BLOCKING, Kind.BLOCKING,
                    Loopback.options(Role.INITIATOR, TrafficConfig.DEFAULT).closeLinger(Duration.ofMillis(300)),
                    Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT))) {
                ShapedProtocol sender = ((Endpoint.Blocking) pair.initiator()).p;
                Threads.Started<Object> writer = Threads.start(loopback.pool, () -> {
                    for (int i = 0; i < 64; i++) {
                        sender.write(new NetworkMessage("block", new byte[1 << 20])); // blocks once buffers fill
                    }
                    return null;
                });
                // the writer now holds the write lock, stuck in a write the peer never takes
                Threads.awaitWriteBlockedIn(writer.thread().get(), ShapedProtocol.class, "write");
                long start = System.nanoTime();
                sender.close();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= 250 && millis < 3_000, "close took " + millis + " ms against a 300 ms linger");
                assertTrue(sender.undelivered().messages() > 0, "the silent peer cannot have taken 64 MiB");
                java.util.concurrent.ExecutionException failed = assertThrows(
                        java.util.concurrent.ExecutionException.class, writer.result()::get);
                assertTrue(failed.getCause() instanceof IOException, failed.getCause().toString());
            }
        });
    }

    private static List<NetworkMessage> receiveUntilEnd(Endpoint e) throws IOException {
        List<NetworkMessage> received = new ArrayList<>();
        while (true) {
            try {
                received.add(e.receive());
            } catch (EOFException end) {
                e.close(); // as Bitcoin Core does when the peer's stream ends
                return received;
            }
        }
    }

    /** What a wallet sends around a payment: small messages a ticker holds, a few large ones, the tx last. */
    private static List<NetworkMessage> messages(Random random) {
        List<NetworkMessage> list = new ArrayList<>();
        String[] types = {"inv", "getdata", "ping", "pong", "filterload", "getblocks"};
        for (int i = 0; i < 60; i++) {
            int size = random.nextInt(10) == 0 ? 3_000 + random.nextInt(600) : random.nextInt(120);
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            list.add(new NetworkMessage(types[random.nextInt(types.length)], payload));
        }
        byte[] tx = new byte[225];
        random.nextBytes(tx);
        list.add(new NetworkMessage("tx", tx));
        return list;
    }
}

package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.RandomDecoys;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.testing.Await;
import org.bip324shaper.driver.Loopback.Kind;
import org.bip324shaper.driver.Loopback.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the asynchronous driver promises: queued reads, no recursion, no thread per connection, its timer. */
class AsyncShapedProtocolTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    private static AsyncShapedProtocol async(Endpoint e) {
        return ((Endpoint.Async) e).p;
    }

    private static NetworkMessage numbered(int i) {
        return new NetworkMessage("inv", new byte[] {(byte) (i >> 8), (byte) i});
    }

    @Test
    void readsQueuedBeforeAnyMessageAreServedInOrder() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC, TrafficConfig.DEFAULT)) {
                AsyncShapedProtocol sender = async(pair.initiator());
                AsyncShapedProtocol receiver = async(pair.responder());
                List<CompletableFuture<?>> reads = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    reads.add(i % 3 == 2 ? receiver.readContents() : receiver.read());
                }
                assertFalse(reads.get(0).isDone(), "nothing was sent yet");
                for (int i = 0; i < 30; i++) {
                    sender.write(numbered(i));
                }
                for (int i = 0; i < 30; i++) {
                    Object got = reads.get(i).get();
                    if (got instanceof byte[] contents) {
                        assertArrayEquals(org.bip324shaper.core.message.V2MessageCodec.encode(numbered(i)), contents);
                    } else {
                        assertEquals(numbered(i), got);
                    }
                }
            }
        });
    }

    @Test
    void callbacksThatReadAgainDoNotRecurse() {
        int count = 20_000; // would overflow the stack if each buffered read completed inside the previous callback
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC, TrafficConfig.DEFAULT)) {
                AsyncShapedProtocol sender = async(pair.initiator());
                List<NetworkMessage> got = new ArrayList<>();
                // the chain starts with a pending read, so each next read() is called from the driver's callback
                CompletableFuture<Void> chain = readChain(async(pair.responder()), count, got);
                for (int i = 0; i < count; i++) {
                    sender.write(numbered(i));
                }
                chain.get();
                assertEquals(count, got.size());
                for (int i = 0; i < count; i++) {
                    assertEquals(numbered(i), got.get(i));
                }
            }
        });
    }

    private static CompletableFuture<Void> readChain(AsyncShapedProtocol p, int remaining, List<NetworkMessage> into) {
        return p.read().thenCompose(m -> {
            into.add(m);
            return remaining == 1 ? CompletableFuture.completedFuture(null) : readChain(p, remaining - 1, into);
        });
    }

    @Test
    void manyConnectionsAddNoThreadPerConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TrafficConfig decoys = TrafficConfig.builder()
                    .decoys(new RandomDecoys(Duration.ofMillis(5), 1.0, 1, 64, 0)).build();
            // warm up: the shared timer thread and the group's threads exist from here on
            try (Pair warm = loopback.connect(Kind.ASYNC, Kind.ASYNC, decoys)) {
                assertTrue(warm.initiator().sessionId().length == 32);
            }
            List<Pair> pairs = new ArrayList<>();
            Set<Thread> before = Threads.live();
            try {
                for (int i = 0; i < 20; i++) {
                    Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC, decoys);
                    pairs.add(pair);
                    async(pair.responder()).read(); // an idle connection keeps a read pending
                }
                Set<Thread> added = Threads.live();
                added.removeAll(before);
                added.removeIf(t -> !t.isAlive());
                // the shared timer may have idled out since the warm-up and started again: one thread at most
                assertTrue(added.size() <= 1 && added.stream().allMatch(t -> t.getName().startsWith("bip324-ticks-")),
                        "40 connections started threads " + Threads.names(added));
            } finally {
                for (Pair p : pairs) {
                    p.close();
                }
            }
        });
    }

    @Test
    void decoyTicksRunOnAnInjectedScheduler() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ScheduledThreadPoolExecutor ticks = new ScheduledThreadPoolExecutor(1, Loopback.named("test-ticks-"));
            try (Loopback.Pair pair = connectAsyncWithScheduler(ticks)) {
                AsyncShapedProtocol initiator = async(pair.initiator());
                Await.until("3 decoys went out on 3 ticks of the injected scheduler",
                        () -> initiator.stats().snapshot().written().decoyPackets() >= 3
                                && ticks.getCompletedTaskCount() >= 3,
                        () -> initiator.stats().snapshot().written().decoyPackets() + " decoys, "
                                + ticks.getCompletedTaskCount() + " ticks");
                // the peer sees them once it reads past them
                initiator.write(numbered(1)).get();
                assertEquals(numbered(1), pair.responder().receive());
                assertTrue(pair.responder().stats().snapshot().read().decoyPackets() >= 3);

                // without its timer a connection cannot keep its shape: it ends, and says why
                ticks.shutdownNow();
                Throwable e = DriverLifecycleTest.failure(initiator.write(numbered(2)));
                assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, e);
                assertTrue(initiator.isClosed());
            } finally {
                ticks.shutdownNow();
            }
        });
    }

    private static Pair connectAsyncWithScheduler(ScheduledThreadPoolExecutor ticks) throws Exception {
        TrafficConfig decoys = TrafficConfig.builder()
                .decoys(new RandomDecoys(Duration.ofMillis(2), 1.0, 1, 64, 0)).build();
        try (var server = java.nio.channels.AsynchronousServerSocketChannel.open(loopback.group)
                .bind(new java.net.InetSocketAddress(Loopback.LOCALHOST, 0), 1)) {
            var accepted = server.accept();
            var initiatorChannel = loopback.openAsync((java.net.InetSocketAddress) server.getLocalAddress());
            CompletableFuture<AsyncShapedProtocol> initiator = AsyncShapedProtocol.handshake(initiatorChannel,
                    Loopback.options(Role.INITIATOR, decoys), ticks);
            CompletableFuture<AsyncShapedProtocol> responder = AsyncShapedProtocol.handshake(accepted.get(),
                    Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT), ticks);
            return new Pair(Endpoint.of(initiator.get()), Endpoint.of(responder.get()));
        }
    }

    @Test
    void afterThePeerClosesReadsFailWithEofButBufferedMessagesArriveFirst() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC, TrafficConfig.DEFAULT)) {
                AsyncShapedProtocol sender = async(pair.initiator());
                AsyncShapedProtocol receiver = async(pair.responder());
                sender.write(numbered(1)).get();
                sender.write(numbered(2)).get();
                sender.close();
                assertEquals(numbered(1), receiver.read().get());
                assertEquals(numbered(2), receiver.read().get());
                assertInstanceOf(EOFException.class, DriverLifecycleTest.failure(receiver.read()));
                assertInstanceOf(EOFException.class, DriverLifecycleTest.failure(receiver.read()), "and stays so");
                assertEquals(32, sender.sessionId().length, "the session id outlives close");
                assertTrue(sender.isClosed());
                assertFalse(receiver.isClosed(), "a peer's EOF ends reading only");
            }
        });
    }

    @Test
    void partialWritesContinueTheSameBufferBeforeTheNext() {
        // Tiny socket buffers: every large write goes out in many partial channel writes.
        assertTimeoutPreemptively(LIMIT, () -> {
            try (var server = java.nio.channels.AsynchronousServerSocketChannel.open(loopback.group)) {
                server.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
                server.bind(new java.net.InetSocketAddress(Loopback.LOCALHOST, 0), 1);
                var accepted = server.accept();
                var client = java.nio.channels.AsynchronousSocketChannel.open(loopback.group);
                client.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
                client.connect(server.getLocalAddress()).get();
                var sender = AsyncShapedProtocol.handshake(client, Loopback.options(Role.INITIATOR,
                        TrafficConfig.DEFAULT));
                var receiver = AsyncShapedProtocol.handshake(accepted.get(), Loopback.options(Role.RESPONDER,
                        TrafficConfig.DEFAULT));
                try (AsyncShapedProtocol s = sender.get(); AsyncShapedProtocol r = receiver.get()) {
                    java.util.Random random = new java.util.Random();
                    List<NetworkMessage> sent = new ArrayList<>();
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        byte[] payload = new byte[i % 2 == 0 ? 300_000 + random.nextInt(1000) : random.nextInt(100)];
                        random.nextBytes(payload);
                        NetworkMessage m = new NetworkMessage("block", payload);
                        sent.add(m);
                        writes.add(s.write(m));
                    }
                    for (NetworkMessage m : sent) {
                        assertEquals(m, r.read().get());
                    }
                    CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get();
                }
            }
        });
    }

    @Test
    void handshakeRejectsAnUnconnectedChannel() throws Exception {
        try (var channel = java.nio.channels.AsynchronousSocketChannel.open(loopback.group)) {
            assertThrows(java.nio.channels.NotYetConnectedException.class, () -> AsyncShapedProtocol.handshake(
                    channel, Loopback.options(Role.INITIATOR, TrafficConfig.DEFAULT)));
        }
    }
}

package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.Flush;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.RandomDecoys;
import org.bip324shaper.core.shaping.ShapingSession;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.testing.Await;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.driver.Loopback.Kind;
import org.bip324shaper.driver.Loopback.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How both drivers end: closed from either side, reset mid-packet, stuck behind a peer that stops reading, failed
 * by bad input. Every error must reach the caller as an exception (never a hang), and no thread may be left behind.
 */
class DriverLifecycleTest {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final NetworkMessage PING = new NetworkMessage("ping", new byte[8]);
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    // --- close -------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closingTheInitiatorEndsTheRespondersPendingRead(Kind kind) {
        closingOneSideEndsTheOthersPendingRead(kind, true);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closingTheResponderEndsTheInitiatorsPendingRead(Kind kind) {
        closingOneSideEndsTheOthersPendingRead(kind, false);
    }

    private void closingOneSideEndsTheOthersPendingRead(Kind kind, boolean closeInitiator) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Pair pair = loopback.connect(kind, kind, TrafficConfig.DEFAULT)) {
                Endpoint closer = closeInitiator ? pair.initiator() : pair.responder();
                Endpoint other = closeInitiator ? pair.responder() : pair.initiator();
                Threads.Started<NetworkMessage> pending = Threads.start(loopback.pool, other::receive);
                Threads.awaitBlockedIn(pending.thread().get(), other.getClass(), "receive");
                closer.close();
                closer.close(); // idempotent

                Throwable e = failure(pending.result());
                assertInstanceOf(EOFException.class, e, "the peer's read ends with EOF");
                assertThrows(IOException.class, closer::receive, "reads after close fail");
                assertThrows(IOException.class, () -> {
                    closer.send(PING);
                    closer.flush();
                }, "writes after close fail");
            }
        });
    }

    // --- reset -------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void peerResetMidPacketFailsThePendingRead(Kind kind) {
        assertTimeoutPreemptively(LIMIT, () -> {
            InboundBytes inbound = new InboundBytes();
            try (WithPeer c = connectToPeer(kind, TrafficConfig.DEFAULT, inbound)) {
                Future<NetworkMessage> pending = loopback.pool.submit(c.driver::receive);
                byte[] packet = c.peer.encrypt(new NetworkMessage("tx", new byte[1000]));
                long before = inbound.total();
                c.peer.writeRaw(packet, 0, packet.length / 2);
                // the driver has read the half packet, then the RST comes
                Await.until("the driver read the half packet", () -> inbound.total() >= before + packet.length / 2,
                        () -> (inbound.total() - before) + " of " + packet.length / 2 + " bytes read");
                c.peer.reset();
                Throwable e = failure(pending);
                assertInstanceOf(IOException.class, e);
                assertFalse(e instanceof EOFException, "a reset is not a clean end: " + e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void peerClosingMidPacketFailsThePendingReadWithEof(Kind kind) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WithPeer c = connectToPeer(kind)) {
                Future<NetworkMessage> pending = loopback.pool.submit(c.driver::receive);
                byte[] packet = c.peer.encrypt(new NetworkMessage("tx", new byte[1000]));
                c.peer.writeRaw(packet, 0, packet.length / 2);
                c.peer.socket.shutdownOutput();
                assertInstanceOf(EOFException.class, failure(pending));
            }
        });
    }

    // --- back-pressure -----------------------------------------------------------------------------------------

    @Test
    void blockingWritesBlockOnAPeerThatStopsReadingAndCloseStillReturns() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WithPeer c = connectToPeer(Kind.BLOCKING)) {
                AtomicInteger written = new AtomicInteger();
                NetworkMessage big = new NetworkMessage("block", new byte[1 << 20]);
                int attempts = 256; // far more than any socket buffers hold
                Threads.Started<Object> writer = Threads.start(loopback.pool, () -> {
                    for (int i = 0; i < attempts; i++) {
                        c.driver.send(big);
                        written.incrementAndGet();
                    }
                    return null;
                });
                Threads.awaitWriteBlockedIn(writer.thread().get(), c.driver.getClass(), "send");
                assertTrue(written.get() < attempts, "writes never blocked");
                c.driver.close();
                assertInstanceOf(IOException.class, failure(writer.result()), "the blocked writer gets an exception");
            }
        });
    }

    @Test
    void asyncWritesAreRefusedAboveTheBacklogCapAndCloseFailsThePendingOnes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WithPeer c = connectToPeer(Kind.ASYNC)) {
                AsyncShapedProtocol p = ((Endpoint.Async) c.driver).p;
                NetworkMessage big = new NetworkMessage("block", new byte[1 << 20]);
                List<CompletableFuture<Void>> accepted = new ArrayList<>();
                WriteBacklogException refused = null;
                for (int i = 0; i < 100 && refused == null; i++) {
                    CompletableFuture<Void> f = p.write(big);
                    if (f.isCompletedExceptionally()) {
                        refused = (WriteBacklogException) failure(f);
                    } else {
                        accepted.add(f);
                    }
                }
                assertNotNull(refused, "the backlog never hit the cap");
                assertTrue(refused.backlogBytes() > AsyncShapedProtocol.MAX_WRITE_BACKLOG);
                assertTrue(refused.backlogBytes() <= AsyncShapedProtocol.MAX_WRITE_BACKLOG + big.payloadLength()
                        + 100, "at most one message over the cap: " + refused.backlogBytes());
                assertFalse(accepted.get(accepted.size() - 1).isDone(), "the last accepted write still waits");

                p.close();
                for (CompletableFuture<Void> f : accepted) {
                    if (!f.isDone() || f.isCompletedExceptionally()) {
                        assertInstanceOf(EOFException.class, failure(f));
                    }
                }
                assertInstanceOf(EOFException.class, failure(p.write(PING)));
            }
        });
    }

    // --- errors ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void tamperedPacketFailsTheReadWithAuthenticationException(Kind kind) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WithPeer c = connectToPeer(kind)) {
                byte[] packet = c.peer.encrypt(new NetworkMessage("tx", new byte[100]));
                packet[50] ^= 1;
                c.peer.writeRaw(packet, 0, packet.length);
                assertThrows(AuthenticationException.class, c.driver::receive);
                assertNotEof(assertThrows(IOException.class, c.driver::receive), "the connection stays failed");
                assertNotEof(assertThrows(IOException.class, () -> {
                    c.driver.send(PING);
                    c.driver.flush();
                }), "a write after the failure");
            }
        });
    }

    /** A failure seen again later: the peer's error, or the error it caused, never a clean end. */
    private static void assertNotEof(IOException e, String what) {
        assertFalse(e instanceof EOFException, what + " is reported as a clean end: " + e);
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertInstanceOf(AuthenticationException.class, root, what + " names the peer's error");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBugInTheEngineSurfacesAsTheBugOnEveryLaterCall(Kind kind) {
        IllegalStateException bug = new IllegalStateException("a strategy's invariant broke");
        DecoyStrategy broken = (random, now) -> new ShapingSession() {
            @Override
            public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
            }

            @Override
            public void onInbound(int wireBytes, long nowNanos) {
                throw bug;
            }
        };
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WithPeer c = connectToPeer(kind, TrafficConfig.builder().decoys(broken).build())) {
                byte[] packet = c.peer.encrypt(PING);
                c.peer.writeRaw(packet, 0, packet.length);
                assertSame(bug, assertThrows(IllegalStateException.class, c.driver::receive));
                // before, the blocking driver's next read waited on the socket for bytes its engine could not take
                IllegalStateException again = assertThrows(IllegalStateException.class, c.driver::receive);
                assertTrue(again == bug || again.getCause() == bug, "the next read names the bug: " + again);
                IllegalStateException write = assertThrows(IllegalStateException.class, () -> {
                    c.driver.send(PING);
                    c.driver.flush();
                });
                assertTrue(write == bug || write.getCause() == bug, "a write names the bug: " + write);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void v1PeerFailsTheResponderHandshake(Kind kind) {
        assertTimeoutPreemptively(LIMIT, () -> {
            ConnectionOptions options = Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT);
            Throwable e;
            if (kind == Kind.BLOCKING) {
                try (ServerSocket server = new ServerSocket(0, 1, Loopback.LOCALHOST);
                     Socket v1 = new Socket(Loopback.LOCALHOST, server.getLocalPort())) {
                    sendV1VersionHeader(v1);
                    e = assertThrows(IOException.class, () -> ShapedProtocol.over(server.accept(), options));
                }
            } else {
                try (var server = AsynchronousServerSocketChannel.open(loopback.group)
                        .bind(new InetSocketAddress(Loopback.LOCALHOST, 0), 1);
                     Socket v1 = new Socket(Loopback.LOCALHOST,
                             ((InetSocketAddress) server.getLocalAddress()).getPort())) {
                    sendV1VersionHeader(v1);
                    e = failure(AsyncShapedProtocol.handshake(server.accept().get(), options));
                }
            }
            assertInstanceOf(V1PeerException.class, e);
        });
    }

    /** What a v1 node opens with: magic and the "version" command (the rest of the header is never looked at). */
    private static void sendV1VersionHeader(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(Network.REGTEST.magicBytes());
        out.write("version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[8]);
        out.flush();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void silentPeerTimesOutTheHandshake(Kind kind) {
        assertTimeoutPreemptively(LIMIT, () -> {
            ConnectionOptions options = Loopback.options(Role.INITIATOR, TrafficConfig.DEFAULT)
                    .handshakeTimeout(Duration.ofMillis(300));
            try (ServerSocket server = new ServerSocket(0, 1, Loopback.LOCALHOST)) {
                Future<Socket> silent = loopback.pool.submit(server::accept);
                Throwable e;
                if (kind == Kind.BLOCKING) {
                    e = assertThrows(IOException.class, () -> ShapedProtocol.over(
                            new Socket(Loopback.LOCALHOST, server.getLocalPort()), options));
                } else {
                    e = failure(AsyncShapedProtocol.handshake(
                            loopback.openAsync((InetSocketAddress) server.getLocalSocketAddress()), options));
                }
                assertInstanceOf(SocketTimeoutException.class, e);
                silent.get().close();
            }
        });
    }

    // --- threads -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void noThreadRemainsAfterClose(Kind kind) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Threads.awaitEnded("earlier tests' driver threads (the shared timer idles out)",
                    Threads.named(Threads.DRIVER_PREFIX));
            Set<Thread> before = Threads.live();
            TrafficConfig shaped = TrafficConfig.builder().padding(PaddingStrategy.RANDOM)
                    .decoys(new RandomDecoys(Duration.ofMillis(2), 1.0, 1, 64, 3)).build();
            try (Loopback own = new Loopback()) {
                List<Pair> pairs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    pairs.add(own.connect(kind, kind, shaped));
                }
                for (Pair pair : pairs) {
                    pair.initiator().send(PING);
                    pair.initiator().flush();
                    assertEquals(PING, pair.responder().receive());
                }
                Set<Thread> started = Threads.named(Threads.DRIVER_PREFIX);
                // blocking: a decoy thread per end; async: none of its own, the shared tick timer for all of them
                long decoyThreads = started.stream().filter(t -> t.getName().startsWith("bip324-decoys-")).count();
                assertEquals(kind == Kind.BLOCKING ? 2L * pairs.size() : 0, decoyThreads, Threads.names(started));
                assertTrue(kind == Kind.BLOCKING || started.stream().anyMatch(t -> t.getName().startsWith(
                        "bip324-ticks-")), "the async decoys run on the shared timer: " + Threads.names(started));
                for (Pair pair : pairs) {
                    pair.close();
                }
                Threads.awaitEnded("the driver threads of closed connections", started);
            }
            Threads.awaitEnded("every driver thread", Threads.named(Threads.DRIVER_PREFIX));
            // and nothing else the drivers may have started under another name (the common pool runs Pair.close)
            Set<Thread> others = Threads.live();
            others.removeAll(before);
            others.removeIf(t -> t.getName().startsWith("ForkJoinPool.commonPool-"));
            Threads.awaitEnded("every other thread started while the connections were open", others);
        });
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Our driver as initiator, connected to an {@link EnginePeer} responder that has finished the handshake. */
    private static WithPeer connectToPeer(Kind kind) throws Exception {
        return connectToPeer(kind, TrafficConfig.DEFAULT);
    }

    private static WithPeer connectToPeer(Kind kind, TrafficConfig config) throws Exception {
        return connectToPeer(kind, config, TraceRecorder.NONE);
    }

    private static WithPeer connectToPeer(Kind kind, TrafficConfig config, TraceRecorder recorder) throws Exception {
        ConnectionOptions options = Loopback.options(Role.INITIATOR, config).recorder(recorder);
        try (ServerSocket server = new ServerSocket(0, 1, Loopback.LOCALHOST)) {
            Future<EnginePeer> peer = loopback.pool.submit(() -> new EnginePeer(server.accept(), Role.RESPONDER)
                    .handshake());
            Endpoint driver = kind == Kind.BLOCKING
                    ? Endpoint.of(ShapedProtocol.over(new Socket(Loopback.LOCALHOST, server.getLocalPort()), options))
                    : Endpoint.of(AsyncShapedProtocol.handshake(
                            loopback.openAsync((InetSocketAddress) server.getLocalSocketAddress()), options).get());
            return new WithPeer(driver, peer.get());
        }
    }

    private record WithPeer(Endpoint driver, EnginePeer peer) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                driver.close();
            } finally {
                peer.close();
            }
        }
    }

    /** Counts the bytes the driver's socket reads returned. */
    private static final class InboundBytes implements TraceRecorder {
        private final AtomicLong total = new AtomicLong();

        @Override
        public void message(long timeNanos, Direction direction, String type, int payloadLength) {
        }

        @Override
        public void write(long timeNanos, Direction direction, int bytes) {
            if (direction == Direction.INBOUND) {
                total.addAndGet(bytes);
            }
        }

        long total() {
            return total.get();
        }
    }

    /** The exception a future failed with (waiting for it); fails the test if it succeeded. */
    static Throwable failure(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, got a result");
    }
}

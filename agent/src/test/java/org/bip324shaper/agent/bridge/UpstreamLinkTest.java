package org.bip324shaper.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.driver.MessageTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UpstreamLink}'s clocks on short timings, over in-memory transports: the keepalive schedule, a dead
 * upstream, a wallet ping that comes before the first round trip is known, and a parked session nobody claims.
 */
class UpstreamLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final UpstreamLink.Timing FAST = new UpstreamLink.Timing(Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(120), Duration.ofMillis(300), Duration.ofMillis(400),
            Duration.ofMillis(500));
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 18444);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(LogLevel.DEBUG, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private final ParkedLinks parked = new ParkedLinks();

    @AfterEach
    void stop() throws InterruptedException {
        timer.shutdownNow();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** One side of an in-memory connection: what is written goes to {@link #written}, reads take {@link #inbox}. */
    static class QueueTransport implements MessageTransport {
        final BlockingQueue<NetworkMessage> inbox = new LinkedBlockingQueue<>();
        final BlockingQueue<NetworkMessage> written = new LinkedBlockingQueue<>();
        /** Written with writeBuffered and not yet flushed. */
        private final List<NetworkMessage> buffered = new ArrayList<>();
        /** How many messages each flush wrote. */
        final List<Integer> flushes = Collections.synchronizedList(new ArrayList<>());
        /** How each written message (by identity) was to be released. */
        final Map<NetworkMessage, Release> releases = Collections.synchronizedMap(new IdentityHashMap<>());
        private static final NetworkMessage END = new NetworkMessage("end-of-test", new byte[0]);
        volatile boolean closed;

        @Override
        public Kind kind() {
            return Kind.V2;
        }

        @Override
        public Network network() {
            return Network.REGTEST;
        }

        @Override
        public NetworkMessage read() throws IOException {
            try {
                NetworkMessage m = inbox.take();
                if (m == END) {
                    inbox.add(END);
                    throw new EOFException("closed");
                }
                return m;
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        public void write(NetworkMessage message) throws IOException {
            write(message, Release.SHAPED);
        }

        @Override
        public void write(NetworkMessage message, Release release) throws IOException {
            writeBuffered(message);
            releases.put(message, release);
            flush();
        }

        @Override
        public synchronized void writeBuffered(NetworkMessage message) throws IOException {
            if (closed) {
                throw new EOFException("closed");
            }
            buffered.add(message);
        }

        @Override
        public synchronized void flush() {
            flushes.add(buffered.size());
            written.addAll(buffered);
            buffered.clear();
        }

        @Override
        public boolean hasReadyMessage() {
            NetworkMessage next = inbox.peek();
            return next != null && next != END;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            flush();
            closed = true;
            inbox.add(END);
        }

        NetworkMessage next(String command) throws InterruptedException {
            NetworkMessage m;
            do {
                m = written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(m, "no " + command + " within " + WAIT);
            } while (!m.command().equals(command));
            return m;
        }
    }

    /** A session over a {@link QueueTransport} that remembers how it was closed. */
    static final class FakeSession implements UpstreamSession {
        final QueueTransport peer = new QueueTransport();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile boolean aborted;

        @Override
        public String transport() {
            return "v2";
        }

        @Override
        public MessageTransport messages() {
            return peer;
        }

        @Override
        public void close() {
            peer.close();
            closed.countDown();
        }

        @Override
        public void abort() {
            aborted = true;
            close();
        }
    }

    private static NetworkMessage message(String command) {
        return new NetworkMessage(command, new byte[0]);
    }

    private static NetworkMessage ping(long nonce) {
        return new NetworkMessage("ping", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(nonce).array());
    }

    private static NetworkMessage pongFor(NetworkMessage ping) {
        return NetworkMessage.copyOf("pong", ping.payload());
    }

    /** A link past the version handshake both ways, with its first keepalive ping taken off the wire. */
    private record Started(UpstreamLink link, FakeSession session, QueueTransport wallet, UpstreamLink.Wallet attached,
                           CountDownLatch readingEnded, NetworkMessage firstKeepalive) {
    }

    private Started start() throws Exception {
        return start(FAST);
    }

    private Started start(UpstreamLink.Timing timing) throws Exception {
        return start(timing, Normalization.all(), message("version"), message("version"));
    }

    private Started start(UpstreamLink.Timing timing, Set<Normalization> normalize,
                          NetworkMessage walletVersion, NetworkMessage peerVersion) throws Exception {
        FakeSession session = new FakeSession();
        UpstreamLink link = new UpstreamLink(1, PEER, session, normalize, timing, timer, pool, parked, log);
        QueueTransport wallet = new QueueTransport();
        CountDownLatch readingEnded = new CountDownLatch(1);
        UpstreamLink.Wallet attached = new UpstreamLink.Wallet(1, wallet, false, readingEnded::countDown);
        assertTrue(link.start(attached));
        link.fromWallet(attached, walletVersion);
        session.peer.inbox.add(peerVersion);
        session.peer.inbox.add(message("verack"));
        wallet.next("verack");
        link.fromWallet(attached, message("verack"));
        NetworkMessage keepalive = session.peer.next("ping");
        return new Started(link, session, wallet, attached, readingEnded, keepalive);
    }

    @Test
    void keepalivePingsFollowTheScheduleAndAnsweredOnesKeepTheLinkUp() throws Exception {
        Started s = start();
        List<Long> times = new ArrayList<>();
        NetworkMessage ping = s.firstKeepalive();
        times.add(System.nanoTime());
        for (int i = 0; i < 3; i++) {
            s.session().peer.inbox.add(pongFor(ping));
            ping = s.session().peer.next("ping");
            times.add(System.nanoTime());
        }
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i) - times.get(i - 1) >= FAST.keepaliveMin().toNanos() * 9 / 10,
                    "gap " + (times.get(i) - times.get(i - 1)) + " ns");
        }
        assertFalse(s.link().isEnded(), logBytes.toString(StandardCharsets.UTF_8));
        assertEquals(Release.NOW, s.session().peer.releases.get(ping),
                "a keepalive held for a tick would time the tick, not the peer");
    }

    @Test
    void aPingThePeerLeavesUnansweredEndsTheLinkAndTheWalletsConnection() throws Exception {
        Started s = start();
        // no pong for the keepalive
        assertTrue(s.session().closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(s.session().aborted, "a dead upstream is aborted, not drained");
        assertTrue(s.readingEnded().await(WAIT.toMillis(), TimeUnit.MILLISECONDS), logBytes.toString(StandardCharsets.UTF_8));
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("left a ping unanswered for 300 ms"));
    }

    @Test
    void aWalletPingBeforeTheFirstRoundTripIsAnsweredOnceThePeerAnswersOurs() throws Exception {
        Started s = start();
        s.link().fromWallet(s.attached(), ping(77));
        assertNull(s.wallet().written.poll(50, TimeUnit.MILLISECONDS), "no round trip measured yet");
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        NetworkMessage pong = s.wallet().next("pong");
        assertEquals(ping(77), NetworkMessage.copyOf("ping", pong.payload()), "the wallet's own nonce");
        for (NetworkMessage m : s.session().peer.written) {
            assertFalse(m.command().equals("ping") && m.equals(ping(77)), "the wallet's ping reached the peer");
        }
    }

    @Test
    void aParkedSessionNobodyClaimsIsClosedGracefullyAfterTheParkTime() throws Exception {
        Started s = start();
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        assertEquals(UpstreamLink.Detached.PARKED, s.link().detach(s.attached(), true));
        assertEquals(1, parked.size());
        s.session().peer.inbox.add(ping(5)); // the peer pings while nobody is attached: the agent answers
        assertEquals(pongFor(ping(5)), s.session().peer.next("pong"));
        assertTrue(s.session().closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertFalse(s.session().aborted, "graceful: what the wallet sent still goes out");
        assertEquals(0, parked.size());
        assertTrue(parked.claim(PEER).isEmpty());
    }

    @Test
    void aWalletThatBrokeTheProtocolIsNotParked() throws Exception {
        Started s = start();
        assertEquals(UpstreamLink.Detached.CLOSED, s.link().detach(s.attached(), false));
        assertEquals(0, parked.size());
        assertTrue(s.session().closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Keepalives far apart (the first one answered), refresh slots every 300-400 ms. */
    private static final UpstreamLink.Timing REFRESH = new UpstreamLink.Timing(Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(300),
            Duration.ofMillis(400));

    private static byte[] hash(int fill) {
        byte[] h = new byte[32];
        java.util.Arrays.fill(h, (byte) fill);
        return h;
    }

    private static NetworkMessage getblocks(byte[]... locator) {
        ByteBuffer p = ByteBuffer.allocate(4 + 1 + 32 * (locator.length + 1)).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(70016).put((byte) locator.length);
        for (byte[] h : locator) {
            p.put(h);
        }
        p.put(new byte[32]);
        return new NetworkMessage("getblocks", p.array());
    }

    private static NetworkMessage blockInv(byte[] hash) {
        ByteBuffer p = ByteBuffer.allocate(1 + 36).order(ByteOrder.LITTLE_ENDIAN);
        p.put((byte) 1).putInt(2).put(hash);
        return new NetworkMessage("inv", p.array());
    }

    private static NetworkMessage filterload(int fill) {
        byte[] filter = new byte[40];
        java.util.Arrays.fill(filter, (byte) fill);
        return new NetworkMessage("filterload", filter);
    }

    private static NetworkMessage poll(QueueTransport t) throws InterruptedException {
        NetworkMessage m = t.written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(m, "nothing written within " + WAIT);
        return m;
    }

    @Test
    void aSplicedReconnectsRefreshWaitsForItsSlotAndEverySlotSendsTheSameSet() throws Exception {
        Started s = start(REFRESH);
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        // the session's first refresh goes out at once
        s.link().fromWallet(s.attached(), filterload(1));
        s.link().fromWallet(s.attached(), message("mempool"));
        s.link().fromWallet(s.attached(), getblocks(hash(0x10)));
        assertEquals("filterload", poll(s.session().peer).command());
        assertEquals("mempool", poll(s.session().peer).command());
        assertEquals("getblocks", poll(s.session().peer).command());
        s.session().peer.inbox.add(blockInv(hash(0x20))); // the wallet fetched it: its head is the peer's tip
        assertEquals("inv", ((QueueTransport) s.attached().transport).next("inv").command());
        // bitcoinj drops the peer after a broadcast and redials: spliced, its refresh (the same filter, a locator
        // from the peer's tip, so nothing the peer would answer) is held
        assertEquals(UpstreamLink.Detached.PARKED, s.link().detach(s.attached(), true));
        QueueTransport wallet2 = new QueueTransport();
        UpstreamLink.Wallet second = new UpstreamLink.Wallet(2, wallet2, true, () -> { });
        assertTrue(s.link().splice(second));
        s.link().fromWallet(second, message("version"));
        s.link().fromWallet(second, message("verack"));
        NetworkMessage newFilter = filterload(1);
        NetworkMessage newLocator = getblocks(hash(0x20), hash(0x10));
        s.link().fromWallet(second, newFilter);
        s.link().fromWallet(second, message("mempool"));
        s.link().fromWallet(second, newLocator);
        s.link().fromWallet(second, message("getdata"));
        // bitcoinj counts its payment as broadcast once the answer to its mempool announces it: that goes at once
        assertEquals("mempool", poll(s.session().peer).command());
        assertEquals("getdata", poll(s.session().peer).command(), "the refresh waits, the rest goes at once");
        // the slot: the held set, in order
        assertEquals(newFilter, poll(s.session().peer));
        assertEquals("mempool", poll(s.session().peer).command());
        assertEquals(newLocator, poll(s.session().peer));
        // a block announced since, then the next slot: the same set again, the locator with that block in front
        s.session().peer.inbox.add(blockInv(hash(0x30)));
        assertEquals("inv", wallet2.next("inv").command());
        assertEquals(newFilter, poll(s.session().peer), "a dummy slot sends the last filter");
        assertEquals("mempool", poll(s.session().peer).command());
        assertEquals(getblocks(hash(0x30), hash(0x20), hash(0x10)), poll(s.session().peer));
        // after its slot the connection's own refreshes pass again
        s.link().fromWallet(second, filterload(3));
        assertEquals(filterload(3), poll(s.session().peer), "the next slot is 300 ms away");
        assertTrue(s.link().summary().contains("refresh slots="), s.link().summary());
    }

    @Test
    void aHeldRefreshGoesOutBeforeTheSessionCloses() throws Exception {
        Started s = start(new UpstreamLink.Timing(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5)));
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        s.link().fromWallet(s.attached(), filterload(1));
        assertEquals("filterload", poll(s.session().peer).command());
        assertEquals(UpstreamLink.Detached.PARKED, s.link().detach(s.attached(), true));
        UpstreamLink.Wallet second = new UpstreamLink.Wallet(2, new QueueTransport(), true, () -> { });
        assertTrue(s.link().splice(second));
        s.link().fromWallet(second, filterload(1));
        assertNull(s.session().peer.written.peek(), "held for a slot 5 min away");
        s.link().end("test", true);
        assertEquals(filterload(1), poll(s.session().peer));
        assertTrue(s.session().closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A spliced connection with the first refresh out and the peer's tip at 0x20; the slot is 5 min away. */
    private Started splicedAfterRefresh(UpstreamLink.Wallet second) throws Exception {
        Started s = start(new UpstreamLink.Timing(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5)));
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        s.link().fromWallet(s.attached(), filterload(1));
        s.link().fromWallet(s.attached(), getblocks(hash(0x10)));
        assertEquals("filterload", poll(s.session().peer).command());
        assertEquals("getblocks", poll(s.session().peer).command());
        s.session().peer.inbox.add(blockInv(hash(0x20)));
        assertEquals("inv", ((QueueTransport) s.attached().transport).next("inv").command());
        assertEquals(UpstreamLink.Detached.PARKED, s.link().detach(s.attached(), true));
        assertTrue(s.link().splice(second));
        return s;
    }

    /** bitcoinj's orphan recovery: its head is behind the peer's tip, so the answer carries blocks it lacks. */
    @Test
    void aGetblocksFromBehindThePeersTipPassesAtOnce() throws Exception {
        UpstreamLink.Wallet second = new UpstreamLink.Wallet(2, new QueueTransport(), true, () -> { });
        Started s = splicedAfterRefresh(second);
        NetworkMessage behind = getblocks(hash(0x10));
        s.link().fromWallet(second, behind);
        assertEquals(behind, poll(s.session().peer), "held, the wallet would miss block 0x20 for the whole slot");
        NetworkMessage atTip = getblocks(hash(0x20), hash(0x10));
        s.link().fromWallet(second, atTip);
        assertNull(s.session().peer.written.poll(300, TimeUnit.MILLISECONDS), "from the tip: nothing to answer, held");
        s.link().end("test", true);
        assertEquals(atTip, poll(s.session().peer));
    }

    /** A new filter decides what the peer relays and matches: it must be in use at once. */
    @Test
    void aChangedFilterPassesAtOnceAndAnUnchangedOneWaits() throws Exception {
        UpstreamLink.Wallet second = new UpstreamLink.Wallet(2, new QueueTransport(), true, () -> { });
        Started s = splicedAfterRefresh(second);
        s.link().fromWallet(second, filterload(1));
        assertNull(s.session().peer.written.poll(300, TimeUnit.MILLISECONDS), "the same filter is held");
        s.link().fromWallet(second, filterload(2));
        assertEquals(filterload(2), poll(s.session().peer), "held, the peer would filter with stale keys");
        s.link().end("test", true);
        assertTrue(s.session().closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNull(s.session().peer.written.peek(), "the held copy of the old filter must not undo the new one");
    }

    @Test
    void aSyncingWalletsDownloadRequestsSkipTheTickUntilItHasThePeersBlocks() throws Exception {
        Started s = start(FAST, Normalization.all(), ChainCatchUpTest.version(0), ChainCatchUpTest.version(2));
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        NetworkMessage first = getblocks(hash(0));
        s.link().fromWallet(s.attached(), first);
        assertEquals(Release.NOW, s.session().peer.releases.get(s.session().peer.next("getblocks")));
        NetworkMessage tx = new NetworkMessage("tx", new byte[225]);
        s.link().fromWallet(s.attached(), tx);
        assertEquals(Release.SHAPED, s.session().peer.releases.get(s.session().peer.next("tx")));
        s.session().peer.inbox.add(new NetworkMessage("merkleblock", new byte[80]));
        s.session().peer.inbox.add(new NetworkMessage("merkleblock", new byte[80]));
        s.wallet().next("merkleblock");
        s.wallet().next("merkleblock");
        NetworkMessage inStep = getblocks(hash(1));
        s.link().fromWallet(s.attached(), inStep);
        assertEquals(Release.SHAPED, s.session().peer.releases.get(s.session().peer.next("getblocks")),
                "the wallet has the peer's two blocks: its requests are shaped again");
    }

    @Test
    void withoutNormalizationASyncStillSkipsTheTick() throws Exception {
        FakeSession session = new FakeSession();
        UpstreamLink link = new UpstreamLink(1, PEER, session, EnumSet.noneOf(Normalization.class), FAST,
                timer, pool, parked, log);
        QueueTransport wallet = new QueueTransport();
        UpstreamLink.Wallet attached = new UpstreamLink.Wallet(1, wallet, false, () -> { });
        assertTrue(link.start(attached));
        link.fromWallet(attached, ChainCatchUpTest.version(10));
        session.peer.inbox.add(ChainCatchUpTest.version(600));
        wallet.next("version");
        link.fromWallet(attached, new NetworkMessage("getdata", new byte[37]));
        assertEquals(Release.NOW, session.peer.releases.get(session.peer.next("getdata")));
    }

    @Test
    void whatThePeerSentInOneRunReachesTheWalletInOneFlush() throws Exception {
        FakeSession session = new FakeSession();
        UpstreamLink link = new UpstreamLink(1, PEER, session, EnumSet.noneOf(Normalization.class), FAST, timer, pool,
                parked, log);
        QueueTransport wallet = new QueueTransport();
        UpstreamLink.Wallet attached = new UpstreamLink.Wallet(1, wallet, false, () -> { });
        List<NetworkMessage> run = List.of(message("version"), message("verack"),
                new NetworkMessage("merkleblock", new byte[250]), new NetworkMessage("merkleblock", new byte[251]),
                new NetworkMessage("merkleblock", new byte[252]));
        session.peer.inbox.addAll(run); // all there before the link reads: each read finds the next one ready
        assertTrue(link.start(attached));
        for (NetworkMessage m : run) {
            assertEquals(m, wallet.next(m.command()));
        }
        assertEquals(List.of(run.size()), wallet.flushes, "one flush once nothing more was ready");
        session.peer.inbox.add(new NetworkMessage("inv", new byte[37]));
        wallet.next("inv");
        assertEquals(List.of(run.size(), 1), wallet.flushes);
    }

    @Test
    void aSyncingWalletsPingGoesToThePeerAndItsPongComesBackAfterTheBlocks() throws Exception {
        Started s = start(FAST, Normalization.all(), ChainCatchUpTest.version(0), ChainCatchUpTest.version(2));
        s.session().peer.inbox.add(pongFor(s.firstKeepalive())); // the round trip is known: local answers are possible
        NetworkMessage ping = ping(4242);
        s.link().fromWallet(s.attached(), ping);
        NetworkMessage forwarded = s.session().peer.next("ping");
        assertEquals(ping, forwarded, "the wallet's own ping, not a keepalive");
        assertEquals(Release.NOW, s.session().peer.releases.get(forwarded));
        NetworkMessage block = new NetworkMessage("merkleblock", new byte[80]);
        s.session().peer.inbox.add(block);
        s.session().peer.inbox.add(pongFor(ping));
        assertEquals(block, s.wallet().next("merkleblock"));
        assertEquals(pongFor(ping), s.wallet().next("pong"), "the peer's pong, relayed after the block");
        NetworkMessage second = new NetworkMessage("merkleblock", new byte[81]);
        s.session().peer.inbox.add(second);
        s.wallet().next("merkleblock"); // the wallet has the peer's two blocks now
        NetworkMessage inStep = ping(4343);
        s.link().fromWallet(s.attached(), inStep);
        assertEquals(pongFor(inStep), s.wallet().next("pong"), "in step, the agent answers");
        for (NetworkMessage m : s.session().peer.written) {
            assertFalse(m.equals(inStep), "a ping of a wallet in step reached the peer");
        }
    }

    /** A wallet connection whose buffered write of the first {@code merkleblock} waits for {@link #release}. */
    static final class StallingWallet extends QueueTransport {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void writeBuffered(NetworkMessage message) throws IOException {
            if (message.command().equals("merkleblock")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            super.writeBuffered(message);
        }
    }

    @Test
    void aLocalPongWaitsUntilTheRelayedRunWithAMerkleblockAndItsTransactionIsWritten() throws Exception {
        FakeSession session = new FakeSession();
        UpstreamLink link = new UpstreamLink(1, PEER, session, Normalization.all(), FAST, timer, pool, parked, log);
        StallingWallet wallet = new StallingWallet();
        UpstreamLink.Wallet attached = new UpstreamLink.Wallet(1, wallet, false, () -> { });
        assertTrue(link.start(attached));
        link.fromWallet(attached, message("version"));
        session.peer.inbox.add(message("version"));
        session.peer.inbox.add(message("verack"));
        wallet.next("verack");
        link.fromWallet(attached, message("verack"));
        session.peer.inbox.add(pongFor(session.peer.next("ping")));

        NetworkMessage block = new NetworkMessage("merkleblock", new byte[200]);
        NetworkMessage tx = new NetworkMessage("tx", new byte[150]);
        session.peer.inbox.addAll(List.of(block, tx)); // the relay stalls on the block, the tx still ready behind it
        link.fromWallet(attached, ping(6)); // answered here, after the round trip: in the middle of the run
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (link.waitingForRun() == 0) {
            assertTrue(System.nanoTime() < deadline, "the local pong did not wait for the run");
            Thread.onSpinWait();
        }
        wallet.release.countDown();
        assertEquals(block, wallet.next("merkleblock"));
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            NetworkMessage m = wallet.written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(m);
            after.add(m.command());
        }
        assertEquals(List.of("tx", "pong"), after, "the block's transaction first, then the agent's pong");
    }

    /** The CI failure: the merkleblock's transaction came in a later read than the block, and the pong between. */
    @Test
    void aLocalPongWaitsForAMerkleblocksTransactionThatComesInALaterRead() throws Exception {
        Started s = start();
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        s.link().fromWallet(s.attached(), BlockAnswersTest.inventory("getdata", BlockAnswersTest.MSG_FILTERED_BLOCK));
        NetworkMessage block = MerkleBlockMatchesTest.matching(2, 0);
        s.session().peer.inbox.add(block);
        assertEquals(block, s.wallet().next("merkleblock"));
        s.link().fromWallet(s.attached(), ping(9));
        assertNull(s.wallet().written.poll(150, TimeUnit.MILLISECONDS), "nothing before the block's transaction");
        s.session().peer.inbox.add(new NetworkMessage("tx", new byte[60]));
        assertEquals("tx", s.wallet().written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).command());
        assertEquals(pongFor(ping(9)), s.wallet().next("pong"));
    }

    @Test
    void aPingAfterAGetdataIsAnsweredAfterTheBlocksItAskedFor() throws Exception {
        Started s = start();
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        s.link().fromWallet(s.attached(), BlockAnswersTest.inventory("getdata",
                BlockAnswersTest.MSG_FILTERED_BLOCK, BlockAnswersTest.MSG_FILTERED_BLOCK));
        s.link().fromWallet(s.attached(), ping(10)); // bitcoinj's end marker for the blocks
        assertNull(s.wallet().written.poll(150, TimeUnit.MILLISECONDS), "no pong before the blocks");
        NetworkMessage first = MerkleBlockMatchesTest.matching(1);
        s.session().peer.inbox.add(first);
        assertEquals(first, s.wallet().written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNull(s.wallet().written.poll(150, TimeUnit.MILLISECONDS), "one block is still owed");
        NetworkMessage second = MerkleBlockMatchesTest.matching(3);
        s.session().peer.inbox.add(second);
        assertEquals(second, s.wallet().written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(pongFor(ping(10)), s.wallet().next("pong"));
    }

    @Test
    void aBlockThePeerNeverSendsHoldsTheLocalPongForThePatienceOnly() throws Exception {
        Started s = start();
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        long asked = System.nanoTime();
        s.link().fromWallet(s.attached(), BlockAnswersTest.inventory("getdata", BlockAnswersTest.MSG_FILTERED_BLOCK));
        s.link().fromWallet(s.attached(), ping(11));
        assertEquals(pongFor(ping(11)), s.wallet().next("pong"), "given up on after the patience");
        assertTrue(System.nanoTime() - asked >= FAST.pongTimeout().toNanos(), "answered before the patience ended");
        s.link().fromWallet(s.attached(), ping(12));
        assertEquals(pongFor(ping(12)), s.wallet().next("pong"), "and the next ping waits for nothing");
    }

    /** bitcoinj closes a connection that gets anything but the version handshake before it. */
    @Test
    void aSplicedConnectionGetsThePeersMessagesOnlyAfterItsVersionWasAnswered() throws Exception {
        Started s = start();
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        assertEquals(UpstreamLink.Detached.PARKED, s.link().detach(s.attached(), true));
        QueueTransport wallet2 = new QueueTransport();
        UpstreamLink.Wallet second = new UpstreamLink.Wallet(2, wallet2, true, () -> { });
        assertTrue(s.link().splice(second));
        s.session().peer.inbox.add(blockInv(hash(0x40))); // between the splice and the redial's version
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (s.link().droppedWhileParked() == 0) {
            assertTrue(System.nanoTime() < deadline, "the inv was neither dropped nor relayed");
            Thread.onSpinWait();
        }
        s.link().fromWallet(second, message("version"));
        assertEquals("version", poll(wallet2).command(), "the replayed handshake comes first");
        assertEquals("verack", poll(wallet2).command());
        NetworkMessage after = blockInv(hash(0x41));
        s.session().peer.inbox.add(after);
        assertEquals(after, poll(wallet2), "once answered, the peer's messages pass");
        assertTrue(s.link().summary().contains("dropped while parked=1"), "counted on the close line: "
                + s.link().summary());
    }

    /** Answers the peer sent while parked still count: the redial's pongs do not wait for the patience. */
    @Test
    void blocksAnsweredWhileParkedAreNotOwedToTheRedial() throws Exception {
        Started s = start(new UpstreamLink.Timing(Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(5)));
        s.session().peer.inbox.add(pongFor(s.firstKeepalive()));
        s.link().fromWallet(s.attached(), BlockAnswersTest.inventory("getdata", BlockAnswersTest.MSG_FILTERED_BLOCK));
        assertEquals(UpstreamLink.Detached.PARKED, s.link().detach(s.attached(), true));
        s.session().peer.inbox.add(MerkleBlockMatchesTest.matching(1));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (s.link().droppedWhileParked() == 0) {
            assertTrue(System.nanoTime() < deadline, "the merkleblock was neither dropped nor relayed");
            Thread.onSpinWait();
        }
        QueueTransport wallet2 = new QueueTransport();
        UpstreamLink.Wallet second = new UpstreamLink.Wallet(2, wallet2, true, () -> { });
        assertTrue(s.link().splice(second));
        s.link().fromWallet(second, message("version"));
        wallet2.next("verack");
        s.link().fromWallet(second, ping(13));
        assertEquals(pongFor(ping(13)), wallet2.next("pong"), "the 60 s patience is not waited for");
    }
}

package org.bip324shaper.agent.bridge;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.agent.config.Normalization;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.driver.MessageTransport;

/**
 * One upstream session and the wallet connections that use it, one at a time: the bridge's relay of whole messages
 * both ways. With no normalization it passes every message on; the normalizations (agent option {@code normalize})
 * change what the wire shows of a wallet's own traffic, not what the wallet learns.
 *
 * <p>{@link Normalization#PINGS}: the wallet's pings never reach the wire. Each is answered after the peer's last
 * measured round trip (bitcoinj ranks peers by it), and not before the blocks the wallet asked for and their
 * transactions ({@link BlockAnswers}), where Core's own pong would come. The round trip is measured with the
 * agent's own pings, which keep the upstream alive as Bitcoin Core does: one right after the version handshake,
 * then every 115-125 s. A ping the peer leaves unanswered for 20 s means a dead upstream: the link ends and so does
 * the wallet's connection. The peer's pings are answered by the agent.
 *
 * <p>{@link Normalization#RECONNECT}: when the wallet ends its connection (bitcoinj does after every broadcast, and
 * redials 1.5 s later), the session is parked for 10 s instead of closed, the peer's pings still
 * answered, and a new wallet connection to the same peer is spliced onto it: its {@code version} is answered with
 * the peer's own version handshake, as the peer sent it on this session; what Core refuses after {@code verack}
 * ({@code version}, {@code verack}, {@code sendaddrv2}, {@code wtxidrelay}, {@code sendtxrcncl}) is swallowed; the
 * rest ({@code filterload}, {@code mempool}, {@code getblocks}, ...) goes on. What the peer sends while no wallet is
 * attached, or before the new connection's {@code version} was answered, is dropped and counted: the wallet asks
 * again on reconnect ({@code mempool}, {@code getblocks}).
 *
 * <p>{@link Normalization#REFRESH}: a spliced connection's {@code filterload} and {@code getblocks} wait for the
 * next refresh slot ({@link RefreshSlots}); the first slot comes 5-15 min after the session's first
 * refresh, then one every 5-15 min, each sending the same set, filterload, mempool, getblocks (the held messages,
 * or the last ones again). What the wallet sends meanwhile ({@code tx}, {@code getdata}, its {@code mempool}: bitcoinj
 * counts a payment as broadcast when the answer to it announces the payment) goes on at once. Held messages go out before the session
 * closes. While its refresh waits the wallet does not learn the blocks after its locator; the session's filter is the one loaded before, which holds the same keys (bitcoinj loads a
 * filter with look-ahead keys), and blocks announced meanwhile are still fetched with {@code getdata}.
 *
 * <p>Why only redundant ones are held: a last merkleblock can still be unprocessed when bitcoinj drops the
 * peer after a payment; the spliced redial gets the session's old start height, so bitcoinj sends no getblocks, and
 * the next block is an orphan whose only recovery is a getblocks from its head. Holding that one (as this link did)
 * left the payment unconfirmed for the whole slot. So a refresh message waits only if the peer would answer it with
 * nothing ({@link RefreshSlots#redundant}); everything else passes at once.
 *
 * <p>Whatever the normalization, the wallet's download requests skip the shaper's tick while it is behind the peer's
 * chain ({@link ChainCatchUp}): a sync would otherwise wait for a tick every round. With {@link Normalization#PINGS}
 * its pings then go to the peer too, and their pongs back: bitcoinj pings after each getdata and takes the pong,
 * which the peer sends after the blocks, as the end of the last one; a local answer came before the blocks.
 *
 * <p>Threads: the peer's messages are read on one task of the bridge's pool for the link's whole life; each wallet
 * connection's messages on its own task; timers on the bridge's timer thread.
 */
final class UpstreamLink {
    /**
     * The link's clocks.
     *
     * @param park        how long a dropped session waits for the wallet's reconnect
     * @param keepaliveMin the shortest gap between the agent's pings
     * @param keepaliveMax the longest
     * @param pongTimeout how long the peer may leave one of them unanswered before it counts as dead
     * @param refreshMin  the shortest gap between refresh slots
     * @param refreshMax  the longest: the most a held refresh waits
     */
    record Timing(Duration park, Duration keepaliveMin, Duration keepaliveMax, Duration pongTimeout,
                  Duration refreshMin, Duration refreshMax) {
        /** Bitcoin Core pings every 2 min; bitcoinj redials 1.5 s after a broadcast. */
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(115),
                Duration.ofSeconds(125), Duration.ofSeconds(20), Duration.ofMinutes(5), Duration.ofMinutes(15));
    }

    /** What Bitcoin Core refuses (or disconnects for) once the version handshake is over. */
    private static final Set<String> HANDSHAKE_ONLY = Set.of("version", "verack", "sendaddrv2", "wtxidrelay",
            "sendtxrcncl");
    private static final int NONCE_LENGTH = 8;
    /** A wallet that pings faster than the peer answers gets local answers beyond this many. */
    static final int MAX_FORWARDED_PINGS = 16;
    private static final SecureRandom NONCES = new SecureRandom();

    /** The wallet connection now using the link. */
    static final class Wallet {
        final long id;
        final MessageTransport transport;
        final boolean spliced;
        /** Ends the wallet task's reading, so that it logs its close line and closes its socket. */
        final Runnable endReading;
        final AtomicLong toPeer = new AtomicLong();
        final AtomicLong toWallet = new AtomicLong();
        /** A spliced connection's refresh waits for the next slot; guarded by the link. */
        boolean refreshWaits;
        /**
         * Whether the peer's messages may reach this connection: a spliced one only once its version handshake was
         * answered (bitcoinj closes a connection on any other message before it); guarded by the link.
         */
        boolean handshakeAnswered;

        Wallet(long id, MessageTransport transport, boolean spliced, Runnable endReading) {
            this.id = id;
            this.transport = transport;
            this.spliced = spliced;
            this.refreshWaits = spliced;
            this.handshakeAnswered = !spliced;
            this.endReading = endReading;
        }

        /** A wallet connection over {@code socket}: its reading ends with a half-close of the input. */
        static Wallet over(long id, Socket socket, MessageTransport transport, boolean spliced) {
            return new Wallet(id, transport, spliced, () -> {
                try {
                    socket.shutdownInput(); // its task reads the end, logs and closes
                } catch (IOException e) {
                    Bridge.closeQuietly(socket);
                }
            });
        }
    }

    /** How a wallet connection left the link. */
    enum Detached { PARKED, CLOSED }

    private final long openedBy;
    private final InetSocketAddress peer;
    private final UpstreamSession session;
    private final MessageTransport upstream;
    private final Set<Normalization> normalize;
    private final Timing timing;
    private final ScheduledExecutorService timer;
    private final Executor pool;
    private final ParkedLinks parked;
    private final AgentLog log;
    private final ConnectionEvents events;
    /** Counted down when the task that reads the peer ends. */
    private final CountDownLatch readerDone = new CountDownLatch(1);

    // guarded by this
    private Wallet wallet;
    /** The peer's messages of the version handshake, up to its verack, as it sent them on this session. */
    private final List<NetworkMessage> peerHandshake = new ArrayList<>();
    private boolean peerVerackSeen;
    private boolean walletVerackSent;
    private long pingNonce;
    private long pingSentNanos;
    private boolean pingOutstanding;
    private long roundTripNanos = -1;
    private final List<NetworkMessage> pingsAwaitingRoundTrip = new ArrayList<>();
    /** Nonces of the wallet's pings passed to the peer while the wallet catches up; guarded by this. */
    private final ArrayDeque<Long> forwardedPings = new ArrayDeque<>();
    private ScheduledFuture<?> keepalive;
    private ScheduledFuture<?> parkExpiry;
    private final RefreshSlots refresh = new RefreshSlots();
    private final ChainCatchUp catchUp = new ChainCatchUp();
    /** What the peer still owes the wallet of its block requests: local pongs wait for it; guarded by this. */
    private final BlockAnswers blockAnswers;
    private ScheduledFuture<?> giveUpOnAnswers;
    /** A local message is being written outside the relay: a run waits for it; guarded by this. */
    private boolean localWriting;
    /** Set by {@link #end}; guarded by this. */
    private String endReason;
    /** The relay is writing a run of the peer's messages; guarded by this. */
    private boolean relaying;
    /** The agent's own messages for the wallet that wait for the run's end; guarded by this. */
    private final List<LocalMessage> afterRun = new ArrayList<>();
    private ScheduledFuture<?> refreshSlot;
    private long refreshLost;
    private boolean ended;
    private long droppedWhileParked;
    private long walletPingsAnswered;
    private long swallowed;

    UpstreamLink(long openedBy, InetSocketAddress peer, UpstreamSession session, Set<Normalization> normalize,
                 Timing timing, ScheduledExecutorService timer, Executor pool, ParkedLinks parked, AgentLog log) {
        this(openedBy, peer, session, normalize, timing, timer, pool, parked, log, new ConnectionLogLines(log));
    }

    UpstreamLink(long openedBy, InetSocketAddress peer, UpstreamSession session, Set<Normalization> normalize,
                 Timing timing, ScheduledExecutorService timer, Executor pool, ParkedLinks parked, AgentLog log,
                 ConnectionEvents events) {
        this.events = events;
        this.timing = timing;
        this.openedBy = openedBy;
        this.peer = peer;
        this.session = session;
        this.upstream = session.messages();
        this.normalize = normalize;
        this.timer = timer;
        this.pool = pool;
        this.parked = parked;
        this.log = log;
        this.blockAnswers = new BlockAnswers(timing.pongTimeout().toNanos());
    }

    long openedBy() {
        return openedBy;
    }

    InetSocketAddress peer() {
        return peer;
    }

    UpstreamSession session() {
        return session;
    }

    /** Starts reading the peer on the pool; false if the pool is full (the link is then ended). */
    boolean start(Wallet first) {
        synchronized (this) {
            wallet = first;
        }
        try {
            pool.execute(this::readUpstream);
            return true;
        } catch (RejectedExecutionException e) {
            readerDone.countDown();
            log.warn("#" + openedBy + " refused: the bridge's " + Bridge.MAX_THREADS + " threads are all busy");
            end("the bridge's threads are all busy", false);
            return false;
        }
    }

    /** Takes a parked link over for a reconnecting wallet; false if it ended meanwhile. */
    synchronized boolean splice(Wallet next) {
        if (ended || wallet != null) {
            return false;
        }
        if (parkExpiry != null) {
            parkExpiry.cancel(false);
        }
        wallet = next;
        return true;
    }

    // --- the wallet's messages ------------------------------------------------------------------------------------

    /** One message from the attached wallet connection {@code from}. */
    void fromWallet(Wallet from, NetworkMessage m) throws IOException {
        String command = m.command();
        if (command.equals("version")) {
            catchUp.onWalletVersion(m);
        }
        if (normalize.contains(Normalization.PINGS) && command.equals("ping")) {
            if (catchUp.isBehind() && forwarding(m)) {
                // bitcoinj pings after each getdata: the pong, after the blocks, is its end marker for the last one
                upstream.write(m, Release.NOW);
                from.toPeer.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
            } else {
                answerWalletPing(from, m);
            }
            return;
        }
        if (normalize.contains(Normalization.PINGS) && command.equals("pong")) {
            count(); // answers a ping the agent never forwarded
            return;
        }
        if (from.spliced && HANDSHAKE_ONLY.contains(command)) {
            if (command.equals("version")) {
                List<NetworkMessage> replay;
                synchronized (this) {
                    replay = new ArrayList<>(peerHandshake);
                }
                for (NetworkMessage theirs : replay) {
                    writeToWallet(from, theirs);
                }
                synchronized (this) {
                    from.handshakeAnswered = true;
                }
            }
            count();
            return;
        }
        if (normalize.contains(Normalization.REFRESH) && RefreshSlots.COMMANDS.contains(command)) {
            synchronized (this) {
                if (from.refreshWaits && !ended && RefreshSlots.HELD.contains(command) && refresh.redundant(m)) {
                    refresh.hold(m);
                    from.toPeer.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
                    return;
                }
                refresh.passed(m);
                if (refreshSlot == null && !ended) {
                    refreshSlot = schedule(this::refreshSlot, refreshGapNanos());
                }
            }
        }
        if (command.equals("getdata")) {
            synchronized (this) {
                blockAnswers.fromWallet(m, System.nanoTime()); // before the peer can answer it
            }
        }
        upstream.write(m, catchUp.releaseFor(m));
        from.toPeer.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
        if (command.equals("verack")) {
            synchronized (this) {
                walletVerackSent = true;
                startKeepalive();
            }
        }
    }

    /**
     * Core pings as soon as the version handshake is over both ways, never before its own verack; caller holds the
     * lock.
     */
    private void startKeepalive() {
        if (normalize.contains(Normalization.PINGS) && peerVerackSeen && walletVerackSent && keepalive == null) {
            keepalive = schedule(this::sendKeepalive, 0);
        }
    }

    private synchronized void count() {
        swallowed++;
    }

    private void answerWalletPing(Wallet from, NetworkMessage ping) {
        NetworkMessage pong = NetworkMessage.copyOf("pong", ping.payload());
        synchronized (this) {
            walletPingsAnswered++;
            if (roundTripNanos < 0) {
                pingsAwaitingRoundTrip.add(pong); // answered when the first pong of the peer tells the round trip
                return;
            }
            schedule(() -> deliverLocal(from, pong), roundTripNanos);
        }
    }

    private void writeToWallet(Wallet to, NetworkMessage m) {
        try {
            to.transport.write(m);
            to.toWallet.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
        } catch (IOException e) {
            // the wallet went away; its own task notices
        }
    }

    /**
     * The wallet connection {@code from} ended. A graceful end with {@link Normalization#RECONNECT} parks the link
     * (after the peer's version handshake); otherwise a graceful end is passed on
     * ({@link UpstreamSession#walletFinished}: a v1 peer may still answer, a v2 session closes gracefully, what the
     * wallet sent going out first), and a wallet that broke the protocol ends the link.
     */
    Detached detach(Wallet from, boolean graceful) {
        synchronized (this) {
            if (wallet != from) {
                return ended ? Detached.CLOSED : Detached.PARKED;
            }
            pingsAwaitingRoundTrip.clear();
            if (!ended && graceful && normalize.contains(Normalization.RECONNECT) && peerVerackSeen
                    && !upstream.isClosed()) {
                parkExpiry = schedule(this::expireParked, timing.park().toNanos());
                if (parkExpiry != null) {
                    wallet = null;
                    parked.park(this);
                    return Detached.PARKED;
                }
            }
            // otherwise the wallet stays attached: the peer's last answers still reach it until the link ends
        }
        if (graceful) {
            try {
                session.walletFinished();
                return Detached.CLOSED; // the link ends with the peer's end of stream
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
        end("the wallet closed its connection", true);
        return Detached.CLOSED;
    }

    /** Waits until the peer's messages stopped (the link ended): the peer's last answers reached the wallet. */
    void awaitEnded() {
        try {
            readerDone.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void expireParked() {
        synchronized (this) {
            if (wallet != null || !parked.remove(this)) {
                return; // spliced meanwhile
            }
        }
        end("no reconnect within " + timing.park().toMillis() + " ms", true);
        log.info("#" + openedBy + " upstream closed after " + timing.park().toMillis()
                + " ms parked without a reconnect: peer="
                + LogFormat.address(peer) + " dropped while parked=" + droppedWhileParked() + " messages"
                + session.wireStats().map(ConnectionLogLines::describeWire).orElse("")
                + "; undelivered=" + session.undelivered());
    }

    // --- the peer's messages ------------------------------------------------------------------------------------

    private void readUpstream() {
        try {
            relayUpstream();
        } finally {
            readerDone.countDown();
        }
    }

    private void relayUpstream() {
        String why = "the peer closed the connection";
        try {
            while (true) {
                NetworkMessage m = upstream.read();
                startRun();
                fromPeer(m);
                if (!upstream.hasReadyMessage()) {
                    flushToWallet(); // the next read waits for the network: what is buffered goes now
                    endRun();
                }
            }
        } catch (EOFException e) {
            // the peer closed, or the session was closed here
        } catch (Bip324Exception e) {
            why = "bad data from the peer";
            events.failed(new ConnectionFailure(currentId(), peer, ConnectionFailure.Stage.PEER_DATA,
                    "at the session step (after " + bytesToWallet() + " bytes to the wallet), closing both sides: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } catch (IOException | RuntimeException e) {
            log.debug("#" + currentId() + " peer->wallet ended: " + e);
        }
        flushToWallet(); // what came before the end still reaches the wallet
        endRun();
        end(why, true);
    }

    private void fromPeer(NetworkMessage m) throws IOException {
        String command = m.command();
        Wallet to;
        synchronized (this) {
            to = wallet != null && wallet.handshakeAnswered ? wallet : null; // else as if still parked
            if (command.equals("ping") && (to == null || normalize.contains(Normalization.PINGS))) {
                // answered below, outside the lock
            } else if (command.equals("pong") && normalize.contains(Normalization.PINGS) && !forwarded(m)) {
                onPong(m);
                return;
            } else if (!peerVerackSeen) {
                peerHandshake.add(m);
                if (command.equals("version")) {
                    catchUp.onPeerVersion(m);
                }
                if (command.equals("verack")) {
                    peerVerackSeen = true;
                    startKeepalive();
                }
            }
        }
        if (command.equals("ping") && (to == null || normalize.contains(Normalization.PINGS))) {
            upstream.write(NetworkMessage.copyOf("pong", m.payload()));
            return;
        }
        if (command.equals("inv") && normalize.contains(Normalization.REFRESH)) {
            synchronized (this) {
                refresh.onPeerInv(m);
            }
        }
        synchronized (this) {
            blockAnswers.fromPeer(m, System.nanoTime()); // the peer's answer, whether or not a wallet takes it
            if (to == null) {
                droppedWhileParked++;
                return;
            }
        }
        catchUp.onRelayedToWallet(m); // before the wallet can read it and ask for the next round
        try {
            to.transport.writeBuffered(m); // a block download's messages leave in runs, not one system call each
            to.toWallet.addAndGet(V1FrameEncoder.HEADER_LENGTH + m.payloadLength());
        } catch (IOException e) {
            // the wallet went away; its own task notices
        }
    }

    /**
     * An answer of the agent's own (a local pong) for the wallet. It must not fall inside a run of the peer's
     * messages, nor before blocks the wallet asked for ({@link BlockAnswers}): bitcoinj ends a merkleblock's
     * transactions at the next other message, and takes the pong after a getdata as the end of its blocks. Until
     * both hold it waits; the run that settles the answers, or giving up on them, sends it.
     */
    private void deliverLocal(Wallet to, NetworkMessage m) {
        synchronized (this) {
            if (relaying || !afterRun.isEmpty() || !blockAnswers.isSettled(System.nanoTime())) {
                afterRun.add(new LocalMessage(to, m));
                awaitAnswersAtMost();
                return;
            }
            localWriting = true;
        }
        try {
            writeToWallet(to, m);
        } finally {
            endLocalWrite();
        }
    }

    /** The relay's next run begins once no local message is being written: none lands inside it. */
    private synchronized void startRun() throws IOException {
        while (localWriting) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("relay interrupted");
            }
        }
        relaying = true;
    }

    private synchronized void endLocalWrite() {
        localWriting = false;
        notifyAll();
    }

    /** The relay's run ended: what waited for it goes now, unless the peer still owes the wallet blocks. */
    private void endRun() {
        List<LocalMessage> waiting;
        synchronized (this) {
            relaying = false;
            waiting = takeWaitingIfSettled();
        }
        for (LocalMessage w : waiting) {
            writeToWallet(w.to(), w.message());
        }
    }

    /** Caller holds the lock. */
    private List<LocalMessage> takeWaitingIfSettled() {
        if (afterRun.isEmpty()) {
            return List.of();
        }
        if (!blockAnswers.isSettled(System.nanoTime())) {
            awaitAnswersAtMost();
            return List.of();
        }
        List<LocalMessage> waiting = new ArrayList<>(afterRun);
        afterRun.clear();
        return waiting;
    }

    /** Caller holds the lock: local messages do not wait for answers the peer gave up on. */
    private void awaitAnswersAtMost() {
        if (giveUpOnAnswers == null && !ended) {
            giveUpOnAnswers = schedule(this::gaveUpOnAnswers,
                    Math.max(0, blockAnswers.giveUpAtNanos() - System.nanoTime()));
        }
    }

    private void gaveUpOnAnswers() {
        List<LocalMessage> waiting;
        synchronized (this) {
            giveUpOnAnswers = null;
            if (relaying) {
                return; // the run's end decides
            }
            waiting = takeWaitingIfSettled();
            if (waiting.isEmpty()) {
                return;
            }
            localWriting = true;
        }
        try {
            for (LocalMessage w : waiting) {
                writeToWallet(w.to(), w.message());
            }
        } finally {
            endLocalWrite();
        }
    }

    private record LocalMessage(Wallet to, NetworkMessage message) {
    }

    /** The agent's own messages waiting for the relay's run to end (tests). */
    synchronized int waitingForRun() {
        return afterRun.size();
    }

    /** Writes what the relay buffered for the attached wallet; a wallet that detached meanwhile flushed on close. */
    private void flushToWallet() {
        Wallet to;
        synchronized (this) {
            to = wallet;
        }
        if (to != null) {
            try {
                to.transport.flush();
            } catch (IOException e) {
                // the wallet went away; its own task notices
            }
        }
    }

    /** Remembers a wallet ping passed to the peer; false (answer it here) when too many are outstanding. */
    private synchronized boolean forwarding(NetworkMessage ping) {
        Long nonce = nonceOf(ping);
        if (nonce == null || forwardedPings.size() >= MAX_FORWARDED_PINGS) {
            return false;
        }
        forwardedPings.add(nonce);
        return true;
    }

    /** Whether {@code pong} answers a wallet ping passed to the peer (then it goes to the wallet); caller holds the lock. */
    private boolean forwarded(NetworkMessage pong) {
        Long nonce = nonceOf(pong);
        return nonce != null && forwardedPings.remove(nonce);
    }

    private static Long nonceOf(NetworkMessage m) {
        return m.payloadLength() == NONCE_LENGTH ? m.payload().order(ByteOrder.LITTLE_ENDIAN).getLong(0) : null;
    }

    /** Caller holds the lock. */
    private void onPong(NetworkMessage pong) {
        if (!pingOutstanding || pong.payloadLength() != NONCE_LENGTH
                || pong.payload().order(ByteOrder.LITTLE_ENDIAN).getLong(0) != pingNonce) {
            return; // not an answer to our ping (Core ignores those too)
        }
        pingOutstanding = false;
        roundTripNanos = System.nanoTime() - pingSentNanos;
        Wallet to = wallet;
        if (to != null) {
            for (NetworkMessage waiting : pingsAwaitingRoundTrip) {
                schedule(() -> deliverLocal(to, waiting), 0);
            }
        }
        pingsAwaitingRoundTrip.clear();
    }

    private void sendKeepalive() {
        long nonce = NONCES.nextLong();
        synchronized (this) {
            if (ended) {
                return;
            }
            long next = ThreadLocalRandom.current().nextLong(timing.keepaliveMin().toNanos(),
                    timing.keepaliveMax().toNanos() + 1);
            keepalive = schedule(this::sendKeepalive, next);
            if (pingOutstanding) {
                return; // as Core: no new ping while one is unanswered; its timeout decides
            }
            pingNonce = nonce;
            pingSentNanos = System.nanoTime();
            pingOutstanding = true;
            schedule(() -> checkPong(nonce), timing.pongTimeout().toNanos());
        }
        try {
            // not held for a tick: its round trip is what the wallet's pings are answered after, and bitcoinj's
            // last merkleblock of a sync is taken only when the pong after it arrives
            upstream.write(new NetworkMessage("ping",
                    ByteBuffer.allocate(NONCE_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putLong(nonce).array()),
                    Release.NOW);
        } catch (IOException e) {
            end("the ping to the peer failed: " + e.getMessage(), false);
        }
    }

    private void checkPong(long nonce) {
        synchronized (this) {
            if (ended || !pingOutstanding || pingNonce != nonce) {
                return;
            }
        }
        log.warn("#" + currentId() + " the peer " + LogFormat.address(peer) + " left a ping unanswered for "
                + timing.pongTimeout().toMillis() + " ms: closing both sides");
        end("dead upstream", false);
    }

    // --- refresh slots --------------------------------------------------------------------------------------------

    private long refreshGapNanos() {
        return ThreadLocalRandom.current().nextLong(timing.refreshMin().toNanos(), timing.refreshMax().toNanos() + 1);
    }

    /** One refresh slot: the held refresh (or the last one again) goes out; the attached wallet's next ones pass. */
    private void refreshSlot() {
        List<NetworkMessage> out;
        synchronized (this) {
            if (ended) {
                return;
            }
            out = refresh.slot();
        }
        try {
            for (NetworkMessage m : out) {
                upstream.write(m);
            }
        } catch (IOException e) {
            end("the refresh to the peer failed: " + e.getMessage(), false);
            return;
        }
        synchronized (this) {
            if (wallet != null) {
                wallet.refreshWaits = false;
            }
            if (!ended) {
                refreshSlot = schedule(this::refreshSlot, refreshGapNanos());
            }
        }
    }

    // --- ending ---------------------------------------------------------------------------------------------------

    /**
     * Ends the link once: timers off, no longer parked, the session closed (gracefully unless the upstream is
     * dead), and an attached wallet's reading ended, so that its task logs its close line and closes its socket.
     */
    void end(String why, boolean graceful) {
        Wallet attached;
        List<NetworkMessage> heldRefresh;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            endReason = why;
            if (keepalive != null) {
                keepalive.cancel(false);
            }
            if (parkExpiry != null) {
                parkExpiry.cancel(false);
            }
            if (refreshSlot != null) {
                refreshSlot.cancel(false);
            }
            if (giveUpOnAnswers != null) {
                giveUpOnAnswers.cancel(false);
            }
            attached = wallet;
            heldRefresh = refresh.drain();
            if (!graceful) {
                refreshLost += heldRefresh.size(); // an abort drops them with the rest: counted on the close line
                heldRefresh = List.of();
            }
        }
        parked.remove(this);
        try {
            for (NetworkMessage m : heldRefresh) {
                upstream.write(m); // nothing the wallet handed over is dropped: a held refresh goes out first
            }
        } catch (IOException | RuntimeException e) {
            // the session is going; what did not reach the peer is lost with it, as any unsent message
        }
        try {
            if (graceful) {
                session.close();
            } else {
                session.abort();
            }
        } catch (IOException | RuntimeException e) {
            // closing anyway; what did not reach the peer is in undelivered()
        }
        if (attached != null) {
            log.debug("#" + attached.id + " upstream ended: " + why);
            attached.endReading.run();
        }
    }

    synchronized boolean isEnded() {
        return ended;
    }

    /** Why the link ended (e.g. "the peer closed the connection"), once it has. */
    synchronized Optional<String> endReason() {
        return Optional.ofNullable(endReason);
    }

    synchronized long droppedWhileParked() {
        return droppedWhileParked;
    }

    /** For the close line: what normalization did on this link so far. */
    synchronized String summary() {
        return "pings answered here=" + walletPingsAnswered + " swallowed=" + swallowed
                + " round trip=" + (roundTripNanos < 0 ? "-" : TimeUnit.NANOSECONDS.toMicros(roundTripNanos) + " us")
                + (normalize.contains(Normalization.RECONNECT) ? " dropped while parked=" + droppedWhileParked : "")
                + (normalize.contains(Normalization.REFRESH) ? " " + refresh.summary()
                        + (refreshLost == 0 ? "" : " held refresh lost on abort=" + refreshLost) : "");
    }

    /** What the wallet now attached got from the peer (0 while parked). */
    private synchronized long bytesToWallet() {
        return wallet == null ? 0 : wallet.toWallet.get();
    }

    private synchronized long currentId() {
        return wallet == null ? openedBy : wallet.id;
    }

    /** Schedules on the bridge's timer; null (and the link ended) if the timer refuses. */
    private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            pool.execute(() -> end("the bridge is shutting down", false));
            return null;
        }
    }
}

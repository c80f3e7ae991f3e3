package org.bip324shaper.driver;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.engine.EngineClosedException;
import org.bip324shaper.core.engine.EngineFailedException;
import org.bip324shaper.core.engine.OutboundWrite;
import org.bip324shaper.core.engine.ReceiveStatus;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.MonotonicClock;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * A shaped BIP-324 connection over an {@link AsynchronousSocketChannel}, with no thread of its own: channel
 * completions run on the channel group's threads and decoy ticks on a shared scheduler (one daemon thread for all
 * connections, or one you inject). The key generation and the ECDH run on
 * {@link ConnectionOptions#keyWorkExecutor()}, so that no channel group thread does curve work.
 *
 * <pre>{@code
 * AsyncShapedProtocol p = AsyncShapedProtocol.handshake(channel, ConnectionOptions.of(Role.INITIATOR, network)).join();
 * p.write(new NetworkMessage("ping", nonce)).join();
 * NetworkMessage reply = p.read().join();
 * }</pre>
 *
 * <p>Writing: one channel write is in flight at a time and the engine's writes go out in the engine's order, each
 * continued after a partial write before the next is taken, so genuine packets, their padding and the decoys never
 * interleave. A write's future completes once its bytes were handed to the channel (with a padding strategy that
 * holds small packets for its next tick, only after that tick). While a backlog exists decoy ticks wait; when more
 * than {@link #MAX_WRITE_BACKLOG} bytes wait for the channel, further writes fail at once with a
 * {@link WriteBacklogException}, so memory stays below that cap plus one message (plus what a holding strategy
 * holds, which it bounds itself).
 *
 * <p>Reading: the channel is read only while a {@link #read()} or {@link #readContents()} is pending, one read at a
 * time; pending reads are served in the order they were asked. A read completes at once (on the caller's thread) if a
 * message is already buffered. The peer closing the connection fails pending and later reads with an
 * {@link EOFException}; any other error, or {@link #close()}, fails every pending and later future.
 *
 * <p>Callbacks attached to the futures may run on channel group threads: they must not block. A callback that calls
 * {@code read()} again does not recurse (the driver serves that read after the callback returns), but a read whose
 * message is already buffered returns a completed future, so a long {@code thenCompose} chain started on buffered data
 * runs on the caller's stack: loop, or use the {@code *Async} variants, for unbounded streams. Cancelling a pending
 * read drops the message it would have received.
 */
public final class AsyncShapedProtocol implements AutoCloseable {
    /** Bytes accepted and not yet handed to the channel above which writes are refused (8 MiB). */
    public static final long MAX_WRITE_BACKLOG = 8L << 20;
    /** Read size while traffic is light: an idle connection with a read pending holds only this. */
    static final int SMALL_READ = 4 * 1024;
    /** Read size once a read fills its buffer: bulk transfers need fewer channel reads. */
    static final int LARGE_READ = 64 * 1024;
    /** Ticks run at most this often, so a strategy whose deadline does not move cannot spin the timer thread. */
    private static final long MIN_TICK_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AsynchronousSocketChannel channel;
    private final ShapedEngine engine;
    private final MonotonicClock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor keyWorkExecutor;
    private final Duration handshakeTimeout;
    private final CompletableFuture<AsyncShapedProtocol> established = new CompletableFuture<>();
    /** The first error, or the close; set once, and from then on every future fails with it. */
    private final AtomicReference<Throwable> terminal = new AtomicReference<>();
    private volatile byte[] sessionId;

    // inbound side, guarded by `inbound`
    private final Object inbound = new Object();
    private final ArrayDeque<PendingRead<?>> readers = new ArrayDeque<>();
    /** Bytes read and not yet given to the engine (read mode), or the buffer a channel read fills (while reading). */
    private ByteBuffer readBuffer;
    private int nextReadSize = SMALL_READ;
    private boolean reading;
    private boolean draining;
    private boolean peerClosed;
    private boolean handshakeDone;
    /** Everything is written and the channel half-closed: reads now only discard, until the peer's end. */
    private boolean lingering;
    /** The channel's output was shut down: the peer has our FIN. */
    private volatile boolean halfClosed;
    private final ReadCompletion readCompletion = new ReadCompletion();

    // outbound side, guarded by `outbound`; never held together with `inbound`
    private final Object outbound = new Object();
    /** Futures of the writes the channel has not taken yet, by ledger sequence number, oldest first. */
    private final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
    /** The engine's write the channel is taking, and the ledger position it completes. */
    private ByteBuffer inFlight;
    private Delivery inFlightDelivers = Delivery.NONE;
    private boolean writing;
    /** The ledger position the channel has taken everything up to. */
    private Delivery written = Delivery.NONE;
    /** A graceful close is under way: no more writes; the channel closes once the engine is drained. */
    private boolean closing;
    private ScheduledFuture<?> lingerTimer;
    private final long lingerNanos;
    /** Completes with what was lost (normally nothing) once the connection has ended, however it ended. */
    private final CompletableFuture<Delivery> ended = new CompletableFuture<>();
    private ScheduledFuture<?> tickTask;
    /** Which armed tick is current: a tick that was replaced while it waited for the lock must not act. */
    private long tickGeneration;
    private long tickDeadline;
    private boolean tickDeferred;
    private ScheduledFuture<?> handshakeTimer;
    private final WriteCompletion writeCompletion = new WriteCompletion();

    private AsyncShapedProtocol(AsynchronousSocketChannel channel, ConnectionOptions options,
                                ScheduledExecutorService scheduler) {
        this.channel = channel;
        this.scheduler = scheduler;
        this.clock = options.clock();
        this.handshakeTimeout = options.handshakeTimeout();
        this.lingerNanos = options.closeLinger().toNanos();
        this.keyWorkExecutor = options.keyWorkExecutor();
        this.engine = options.newEngine(true);
    }

    /**
     * Runs the handshake over a connected channel, ticking on the shared scheduler. Sets {@code TCP_NODELAY}: the
     * shaper decides what goes out together, so Nagle must not merge its writes. The future fails with a
     * {@link SocketTimeoutException} if the handshake takes longer than {@link ConnectionOptions#handshakeTimeout()},
     * and with the engine's exception (e.g. a v1 peer) if it fails; the channel is then closed.
     */
    public static CompletableFuture<AsyncShapedProtocol> handshake(AsynchronousSocketChannel channel,
                                                                   ConnectionOptions options) {
        return handshake(channel, options, SharedTickScheduler.get());
    }

    /**
     * As {@link #handshake(AsynchronousSocketChannel, ConnectionOptions)}, with decoy ticks on {@code scheduler}.
     * Shutting that scheduler down ends its connections (at their next write or tick) with a
     * {@link RejectedExecutionException}: without ticks a connection can neither keep its shape nor release packets
     * a queueing strategy holds.
     */
    public static CompletableFuture<AsyncShapedProtocol> handshake(AsynchronousSocketChannel channel,
                                                                   ConnectionOptions options,
                                                                   ScheduledExecutorService scheduler) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(scheduler, "scheduler");
        try {
            if (channel.getRemoteAddress() == null) {
                throw new NotYetConnectedException();
            }
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        AsyncShapedProtocol protocol = new AsyncShapedProtocol(channel, options, scheduler);
        protocol.start();
        // A copy, so that a caller completing it cannot complete ours.
        return protocol.established.copy();
    }

    private void start() {
        synchronized (outbound) {
            try {
                handshakeTimer = scheduler.schedule(() -> shutdown(new SocketTimeoutException(
                        "BIP-324 handshake did not finish within " + handshakeTimeout)),
                        handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                shutdown(e);
                return;
            }
        }
        pump();
        drainInbound();
    }

    /** The 32-byte session id both sides share (still readable after close). */
    public byte[] sessionId() {
        return sessionId.clone();
    }

    public String sessionIdHex() {
        return Hex.encode(sessionId);
    }

    public TrafficStats stats() {
        return engine.stats();
    }

    /** Whether the connection is closing or ended: closed here, failed, or its channel broke. */
    public boolean isClosed() {
        synchronized (outbound) {
            return closing || terminal.get() != null;
        }
    }

    // --- reading -----------------------------------------------------------------------------------------------

    /** The next genuine message; unknown short IDs are skipped. */
    public CompletableFuture<NetworkMessage> read() {
        return enqueueRead(ShapedEngine::pollMessage);
    }

    /** The next genuine packet's raw contents (message type + payload). */
    public CompletableFuture<byte[]> readContents() {
        return enqueueRead(ShapedEngine::pollContents);
    }

    private <T> CompletableFuture<T> enqueueRead(Poll<T> poll) {
        CompletableFuture<T> future = new CompletableFuture<>();
        synchronized (inbound) {
            readers.add(new PendingRead<>(future, poll));
        }
        drainInbound();
        return future;
    }

    /**
     * Moves inbound bytes through the engine to the pending reads, and starts a channel read when they need more.
     * One thread drains at a time; a call while another drains returns at once and the drainer looks again before
     * it stops, so nothing is missed and callbacks that read again do not recurse.
     */
    private void drainInbound() {
        synchronized (inbound) {
            if (draining) {
                return;
            }
            draining = true;
        }
        for (;;) {
            List<Runnable> completions = new ArrayList<>(0);
            List<Runnable> keyWork = new ArrayList<>(0);
            ByteBuffer readInto = null;
            boolean justEstablished = false;
            boolean handshakeProgress = false;
            Throwable error = null;
            boolean idle;
            synchronized (inbound) {
                try {
                    if (!handshakeDone && terminal.get() == null) {
                        handshakeProgress = advanceHandshake(keyWork);
                        justEstablished = handshakeDone;
                    }
                    if (handshakeDone || terminal.get() != null) {
                        serveReaders(completions);
                    }
                    if (needsChannelRead()) {
                        reading = true;
                        readInto = prepareReadBuffer();
                    }
                } catch (IOException | RuntimeException e) {
                    error = e;
                }
                idle = completions.isEmpty() && readInto == null && !handshakeProgress && error == null
                        && keyWork.isEmpty();
                if (idle) {
                    draining = false;
                }
            }
            if (error != null) {
                shutdown(error);
            }
            for (Runnable task : keyWork) {
                runKeyWork(task);
            }
            if (handshakeProgress) {
                pump();
            }
            if (justEstablished) {
                onEstablished();
            }
            for (Runnable completion : completions) {
                completion.run();
            }
            if (readInto != null) {
                startChannelRead(readInto);
            }
            if (idle) {
                return;
            }
        }
    }

    /**
     * Feeds unread bytes to the handshake and collects the key work it waits for; true if it consumed some (it may
     * then have something to send).
     */
    private boolean advanceHandshake(List<Runnable> keyWork) throws IOException {
        boolean consumed = false;
        if (hasUnread()) {
            ReceiveStatus status = engine.receive(readBuffer);
            handshakeDone = status.established();
            consumed = status.bytesConsumed() > 0;
        } else if (peerClosed) {
            throw new EOFException("peer closed the connection during the BIP-324 handshake");
        }
        for (Runnable task; (task = engine.pollTask()) != null; ) {
            keyWork.add(task);
        }
        return consumed;
    }

    /** Runs one piece of key work off the channel group's threads, then resumes writing and reading. */
    private void runKeyWork(Runnable task) {
        try {
            keyWorkExecutor.execute(() -> {
                task.run();
                if (engine.state() == ShapedEngine.State.FAILED) {
                    shutdown(engine.failure().orElseThrow());
                    return;
                }
                pump();
                drainInbound();
            });
        } catch (RejectedExecutionException e) {
            shutdown(e);
        }
    }

    private void serveReaders(List<Runnable> completions) throws Bip324Exception {
        Throwable failure = terminal.get();
        if (failure != null) {
            failReaders(failure, completions);
            return;
        }
        while (!readers.isEmpty()) {
            PendingRead<?> head = readers.peek();
            if (head.future.isDone()) {
                readers.poll(); // cancelled by the caller
                continue;
            }
            if (head.tryComplete(engine, completions)) {
                readers.poll();
                continue;
            }
            if (hasUnread()) {
                ReceiveStatus status = engine.receive(readBuffer);
                if (status.bytesConsumed() == 0 && status.messagesReady() == 0) { // the engine's contract; never spin
                    throw new IllegalStateException("engine took no bytes and produced no packet");
                }
                continue;
            }
            if (peerClosed) {
                failReaders(new EOFException("peer closed the connection"), completions);
            }
            break;
        }
        if (readBuffer != null && !reading && !readBuffer.hasRemaining() && readBuffer.capacity() != nextReadSize) {
            readBuffer = null; // let a large buffer go once traffic is light again
        }
    }

    private void failReaders(Throwable failure, List<Runnable> completions) {
        PendingRead<?> r;
        while ((r = readers.poll()) != null) {
            CompletableFuture<?> f = r.future;
            completions.add(() -> f.completeExceptionally(failure));
        }
    }

    private boolean needsChannelRead() {
        return !lingering && !reading && !peerClosed && terminal.get() == null && !hasUnread()
                && (!handshakeDone || !readers.isEmpty());
    }

    private boolean hasUnread() {
        return !reading && readBuffer != null && readBuffer.hasRemaining();
    }

    private ByteBuffer prepareReadBuffer() {
        if (readBuffer == null || readBuffer.capacity() != nextReadSize) {
            readBuffer = ByteBuffer.allocate(nextReadSize);
        } else {
            readBuffer.clear();
        }
        return readBuffer;
    }

    private void startChannelRead(ByteBuffer into) {
        try {
            channel.read(into, null, readCompletion);
        } catch (RuntimeException e) { // e.g. the channel group was shut down
            synchronized (inbound) {
                reading = false;
            }
            shutdown(e);
            drainInbound();
        }
    }

    /**
     * Closing a channel that still has unread bytes from the peer sends a reset, and a reset makes the peer's kernel
     * discard what it received and its application has not read yet: our last messages. So half-close instead (a
     * FIN after the last byte), then read and discard until the peer, having read everything, closes too (Bitcoin
     * Core does at once); the linger timer armed by the close bounds the wait.
     */
    private void lingerForPeerEnd() {
        boolean startRead;
        boolean ended;
        synchronized (inbound) {
            lingering = true;
            startRead = !reading && !peerClosed;
            ended = peerClosed;
            if (hasUnread()) {
                feedWhileLingering(); // the closing ping's pong may already be here
            }
        }
        if (ended || !halfCloseOnceAcknowledged()) {
            shutdown(new EOFException("connection closed"));
            return;
        }
        if (startRead) { // else the read in flight continues as a lingering one
            lingerRead();
        }
    }

    /**
     * Half-closes once the engine's closing ping is answered (Core drops what a peer that has ended sent and it has
     * not processed yet), or at once when there is no such ping. False if the channel would not half-close.
     */
    private boolean halfCloseOnceAcknowledged() {
        if (halfClosed || !engine.isCloseAcknowledged()) {
            return true;
        }
        halfClosed = true;
        try {
            channel.shutdownOutput();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Feeds what was read to the engine (for the pong) and drops the messages; caller holds `inbound`. A failed
     * engine (a bad packet at the end) gets nothing more: the rest is discarded while lingering goes on.
     */
    private void feedWhileLingering() {
        try {
            while (readBuffer.hasRemaining() && !engine.isCloseAcknowledged()
                    && engine.state() != ShapedEngine.State.FAILED) {
                engine.receive(readBuffer);
                while (engine.pollContents() != null) {
                    // closing: nobody takes messages any more
                }
            }
        } catch (Bip324Exception e) {
            // the engine is FAILED now: stop feeding, keep lingering
        } catch (EngineClosedException e) {
            // the linger timer's shutdown() closed the engine meanwhile: the connection is over
        }
        readBuffer.clear();
    }

    private void lingerRead() {
        ByteBuffer into;
        synchronized (inbound) {
            reading = true;
            if (readBuffer == null) {
                readBuffer = ByteBuffer.allocate(SMALL_READ);
            }
            readBuffer.clear();
            into = readBuffer;
        }
        try {
            channel.read(into, null, readCompletion);
        } catch (RuntimeException e) {
            shutdown(new EOFException("connection closed"));
        }
    }

    private final class ReadCompletion implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void attachment) {
            boolean closingRead;
            synchronized (inbound) {
                closingRead = lingering;
                if (closingRead) {
                    reading = false;
                    peerClosed |= n < 0;
                    if (n > 0) {
                        readBuffer.flip();
                        feedWhileLingering();
                    }
                }
            }
            if (closingRead) {
                if (n < 0 || !halfCloseOnceAcknowledged()) {
                    shutdown(new EOFException("connection closed"));
                } else {
                    lingerRead();
                }
                return;
            }
            if (n > 0) {
                engine.recordRead(n);
            }
            synchronized (inbound) {
                reading = false;
                if (n < 0) {
                    peerClosed = true;
                    readBuffer.limit(0);
                } else {
                    readBuffer.flip();
                    if (n == readBuffer.capacity()) {
                        nextReadSize = LARGE_READ;
                    } else if (n < SMALL_READ) {
                        nextReadSize = SMALL_READ;
                    }
                }
            }
            drainInbound();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            synchronized (inbound) {
                reading = false;
            }
            shutdown(exc);
            drainInbound();
        }
    }

    // --- writing -----------------------------------------------------------------------------------------------

    /**
     * Sends a message with the padding the shaper chooses. The future completes when its bytes were handed to the
     * channel; it fails with a {@link WriteBacklogException} (nothing queued) if the backlog is over the cap.
     */
    public CompletableFuture<Void> write(NetworkMessage message) {
        return write(message, Release.SHAPED);
    }

    /**
     * As {@link #write(NetworkMessage)}; with {@link Release#NOW} the message and whatever the shaper held before it
     * go to the channel now instead of on the next tick.
     */
    public CompletableFuture<Void> write(NetworkMessage message, Release release) {
        Objects.requireNonNull(release, "release");
        return submit(V2MessageCodec.contents(Objects.requireNonNull(message, "message")), release);
    }

    /**
     * Sends one genuine packet's raw contents (message type + payload).
     *
     * @throws IllegalArgumentException if the contents exceed the packet limit
     */
    public CompletableFuture<Void> writeContents(byte[] contents) {
        return submit(ByteBuffer.wrap(Objects.requireNonNull(contents, "contents")), Release.SHAPED);
    }

    private CompletableFuture<Void> submit(ByteBuffer contents, Release release) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (outbound) {
            Throwable failure = terminal.get();
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closing) {
                return CompletableFuture.failedFuture(new EOFException("connection closed"));
            }
            long backlog = (inFlight == null ? 0 : inFlight.remaining()) + engine.pendingWriteBytes();
            if (backlog > MAX_WRITE_BACKLOG) {
                return CompletableFuture.failedFuture(new WriteBacklogException(backlog, MAX_WRITE_BACKLOG));
            }
            if (engine.state() == ShapedEngine.State.FAILED) { // the reader met bad data and is about to shut down
                return CompletableFuture.failedFuture(engine.failure().orElseThrow());
            }
            long sequence;
            try {
                // not closed: the engine closes only after shutdown() has set `terminal` and taken this lock
                sequence = engine.sendContents(contents, release);
            } catch (EngineFailedException e) { // the reader failed it since the look above
                return CompletableFuture.failedFuture(e.failure());
            }
            pendingWrites.add(new PendingWrite(sequence, future));
            scheduleTick(0);
        }
        pump();
        return future;
    }

    /** Starts the next channel write unless one is in flight: the rest of a partial write first, then the engine's. */
    private void pump() {
        ByteBuffer next = null;
        boolean drained = false;
        synchronized (outbound) {
            if (writing || terminal.get() != null) {
                return;
            }
            if (inFlight == null || !inFlight.hasRemaining()) {
                OutboundWrite w = engine.pollOutbound();
                if (w == null) {
                    inFlight = null;
                    if (tickDeferred) {
                        tickDeferred = false;
                        scheduleTick(0);
                    }
                    drained = closing && engine.isOutboundDone();
                    if (!drained) {
                        return;
                    }
                } else {
                    inFlight = ByteBuffer.wrap(w.bytes());
                    inFlightDelivers = w.delivered();
                }
            }
            if (!drained) {
                writing = true;
                next = inFlight;
            }
        }
        if (drained) {
            lingerForPeerEnd();
            return;
        }
        try {
            channel.write(next, null, writeCompletion);
        } catch (RuntimeException e) { // e.g. the channel group was shut down
            shutdown(e);
        }
    }

    private final class WriteCompletion implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void attachment) {
            List<CompletableFuture<Void>> done = new ArrayList<>(1);
            engine.recordWritten(n);
            synchronized (outbound) {
                writing = false;
                if (!inFlight.hasRemaining()) {
                    written = inFlightDelivers;
                    while (!pendingWrites.isEmpty() && pendingWrites.peek().sequence <= written.messages()) {
                        done.add(pendingWrites.poll().future);
                    }
                }
            }
            for (CompletableFuture<Void> f : done) {
                f.complete(null);
            }
            pump();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            synchronized (outbound) {
                writing = false;
            }
            shutdown(exc);
        }
    }

    // --- decoy ticks -------------------------------------------------------------------------------------------

    /** (Re)arms the tick for the engine's next deadline, unless one is armed no later; caller holds `outbound`. */
    private void scheduleTick(long minDelayNanos) {
        if (!handshakeDoneForTicks() || tickDeferred || terminal.get() != null) {
            return; // a deferred tick is re-armed by the pump once the backlog is gone
        }
        if (scheduler.isShutdown()) { // its queued ticks were dropped: they would never run
            shutdown(new RejectedExecutionException("the decoy tick scheduler was shut down"));
            return;
        }
        long deadline = engine.nextDeadlineNanos();
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        if (tickTask != null) {
            if (tickDeadline <= deadline) {
                return;
            }
            tickTask.cancel(false);
        }
        tickDeadline = deadline;
        long generation = ++tickGeneration;
        long delay = Math.max(minDelayNanos, deadline - clock.nanoTime());
        try {
            tickTask = scheduler.schedule(() -> tick(generation), Math.max(0, delay), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            tickTask = null;
            shutdown(e); // without its timer the connection cannot keep its shape
        }
    }

    private boolean handshakeDoneForTicks() {
        return sessionId != null;
    }

    /** On the scheduler: lets the shaper act, unless a backlog exists; then the pump re-arms it once dry. */
    private void tick(long generation) {
        try {
            synchronized (outbound) {
                if (generation != tickGeneration || terminal.get() != null) {
                    return;
                }
                tickTask = null;
                if (writing || (inFlight != null && inFlight.hasRemaining()) || engine.pendingWriteBytes() > 0) {
                    tickDeferred = true;
                    return;
                }
                engine.tick();
                scheduleTick(MIN_TICK_GAP_NANOS);
            }
            pump();
        } catch (RuntimeException e) {
            shutdown(e);
        }
    }

    private void onEstablished() {
        sessionId = engine.sessionId().orElseThrow();
        synchronized (outbound) {
            if (handshakeTimer != null) {
                handshakeTimer.cancel(false);
                handshakeTimer = null;
            }
            scheduleTick(0);
        }
        pump();
        established.complete(this);
    }

    // --- lifecycle ---------------------------------------------------------------------------------------------

    /**
     * The graceful close, started at once and finished in the background: refuses further writes, releases every
     * message a strategy holds (padded as it pads), lets the channel take everything accepted so far, in order, and
     * then closes the channel and zeroes the keys. Pending reads are served until then. A peer that takes longer than
     * {@link ConnectionOptions#closeLinger()} gets the channel closed anyway; what was lost is counted in
     * {@link #undelivered()} and its writes' futures fail. Idempotent; never blocks, so callbacks may call it.
     */
    @Override
    public void close() {
        closeGracefully();
    }

    /**
     * {@link #close()}, returning a future that completes once the connection has ended, with what was accepted but
     * never reached the channel ({@link Delivery#NONE} unless the linger ran out or the connection failed).
     */
    public CompletableFuture<Delivery> closeGracefully() {
        boolean started = false;
        synchronized (outbound) {
            if (!closing && terminal.get() == null) {
                closing = true;
                started = true;
                if (tickTask != null) {
                    tickTask.cancel(false);
                    tickTask = null;
                }
                engine.closeOutbound();
                try {
                    lingerTimer = scheduler.schedule(() -> shutdown(new EOFException(
                            "connection closed at the end of the close linger")), lingerNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    lingerTimer = null; // nothing to bound the drain with: abort below
                }
            }
        }
        if (started && lingerTimer == null) {
            abort();
        } else if (started) {
            pump();
        }
        return ended.copy();
    }

    /**
     * The abortive close: drops everything unsent (counted in {@link #undelivered()}), closes the channel, zeroes the
     * keys and fails every pending future with an {@link EOFException}. Idempotent.
     */
    public void abort() {
        shutdown(new EOFException("connection aborted"));
    }

    /** What was accepted but never reached the channel, once the connection has ended; {@link Delivery#NONE} before. */
    public Delivery undelivered() {
        return ended.isDone() ? ended.join() : Delivery.NONE;
    }

    /** Ends the connection once, with {@code cause} as every pending and later future's failure. */
    private void shutdown(Throwable cause) {
        if (!terminal.compareAndSet(null, cause)) {
            return;
        }
        List<PendingWrite> failedWrites;
        Delivery lost;
        synchronized (outbound) {
            if (tickTask != null) {
                tickTask.cancel(false);
                tickTask = null;
            }
            if (handshakeTimer != null) {
                handshakeTimer.cancel(false);
                handshakeTimer = null;
            }
            if (lingerTimer != null) {
                lingerTimer.cancel(false);
                lingerTimer = null;
            }
            failedWrites = new ArrayList<>(pendingWrites);
            pendingWrites.clear();
            inFlight = null;
            lost = engine.accepted().minus(written);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted; the cause is what callers see
        }
        engine.close();
        established.completeExceptionally(cause);
        for (PendingWrite w : failedWrites) {
            w.future.completeExceptionally(cause);
        }
        ended.complete(lost);
        drainInbound(); // fails the pending reads (or the active drainer does)
    }

    @Override
    public String toString() {
        return "AsyncShapedProtocol[" + engine + (isClosed() ? ", closed" : "") + "]";
    }

    /** How a pending read takes its item from the engine. */
    @FunctionalInterface
    private interface Poll<T> {
        T from(ShapedEngine engine) throws Bip324Exception;
    }

    private static final class PendingRead<T> {
        final CompletableFuture<T> future;
        final Poll<T> poll;

        PendingRead(CompletableFuture<T> future, Poll<T> poll) {
            this.future = future;
            this.poll = poll;
        }

        boolean tryComplete(ShapedEngine engine, List<Runnable> completions) throws Bip324Exception {
            T item = poll.from(engine);
            if (item == null) {
                return false;
            }
            completions.add(() -> future.complete(item));
            return true;
        }
    }

    /** A write's future, completed once the channel has taken the write that completes its ledger sequence. */
    private record PendingWrite(long sequence, CompletableFuture<Void> future) {
    }
}

package org.bip324shaper.driver;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.engine.EngineClosedException;
import org.bip324shaper.core.engine.EngineFailedException;
import org.bip324shaper.core.engine.OutboundWrite;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.engine.V1Suggestion;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.MonotonicClock;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * A shaped BIP-324 connection over a blocking stream pair. The constructor runs the whole handshake; then
 * {@link #read()} returns genuine messages (decoys are verified, counted and dropped) and {@link #write} sends them
 * with the padding the shaper chooses, a genuine packet and its padding in one write. A daemon thread sends the
 * decoys the shaper schedules. One thread may read while others write; {@link #close()} stops everything.
 */
public final class ShapedProtocol implements Closeable {
    private static final int READ_BUFFER = 64 * 1024;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final ShapedEngine engine;
    private final InputStream in;
    private final OutputStream out;
    private final Closeable transport;
    /** The socket under the streams, if there is one: a graceful close half-closes it and lingers. */
    private final Socket socket;
    /** The peer ended its stream (a read returned end of stream). */
    private volatile boolean peerEnded;
    private final MonotonicClock clock;

    private final ReentrantLock readLock = new ReentrantLock();
    private final byte[] readBytes = new byte[READ_BUFFER];
    /** A message {@link #hasReadyMessage()} took from the engine, which the next read returns; guarded by readLock. */
    private NetworkMessage peeked;
    /** The peer's bad data that {@link #hasReadyMessage()} met, for the next read to throw; guarded by readLock. */
    private Bip324Exception readyFailure;
    private ByteBuffer unread = ByteBuffer.allocate(0);

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock tickLock = new ReentrantLock();
    private final Condition tickChanged = tickLock.newCondition();
    private final Thread decoyThread;
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final long lingerNanos;
    /** The ledger position the stream has taken everything up to; guarded by writeLock. */
    private volatile Delivery written = Delivery.NONE;
    /** The deadline the decoy thread sleeps towards, or {@code Long.MIN_VALUE} while it is awake. */
    private volatile long decoysSleepUntil = Long.MIN_VALUE;
    private volatile IOException writeFailure;

    private ShapedProtocol(ConnectionOptions options, InputStream in, OutputStream out, Closeable transport,
                           Socket socket) throws IOException {
        this(options, options.newEngine(false), in, out, transport, socket);
    }

    /** @param engine fresh, from {@code options}; its key work inline (this thread blocks anyway) */
    private ShapedProtocol(ConnectionOptions options, ShapedEngine engine, InputStream in, OutputStream out,
                           Closeable transport, Socket socket) throws IOException {
        this.socket = socket;
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.transport = transport;
        this.clock = options.clock();
        this.lingerNanos = options.closeLinger().toNanos();
        this.engine = engine;
        try {
            handshake();
        } catch (IOException | RuntimeException e) {
            abortQuietly();
            throw e;
        }
        decoyThread = new Thread(this::runDecoys, "bip324-decoys-" + THREAD_IDS.incrementAndGet());
        decoyThread.setDaemon(true);
        decoyThread.start();
    }

    /** Runs the handshake over the streams, as {@code role}; blocks until it is done. */
    public static ShapedProtocol over(InputStream in, OutputStream out, ConnectionOptions options) throws IOException {
        return new ShapedProtocol(options, in, out, () -> {
            try {
                in.close();
            } finally {
                out.close();
            }
        }, null);
    }

    /**
     * Runs the handshake over a connected socket, as {@code role}. The handshake fails with a
     * {@link SocketTimeoutException} if the peer stays silent for {@link ConnectionOptions#handshakeTimeout}.
     * Sets {@code TCP_NODELAY}: the shaper decides what goes out together, so Nagle must not merge its writes.
     */
    public static ShapedProtocol over(Socket socket, ConnectionOptions options) throws IOException {
        int oldTimeout = socket.getSoTimeout();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, options.handshakeTimeout().toMillis()));
        ShapedProtocol p;
        try {
            p = new ShapedProtocol(options, socket.getInputStream(), socket.getOutputStream(), socket, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        socket.setSoTimeout(oldTimeout);
        return p;
    }

    /**
     * Runs the handshake over a connected socket whose reads go through {@code in} (a stream over the socket's own,
     * e.g. one that enforces deadlines); writes go to the socket. Closing closes {@code in} and the socket, and a
     * graceful close half-closes the socket and lingers as {@link #close()} says. The caller sets the socket's
     * options and timeouts.
     */
    public static ShapedProtocol over(Socket socket, InputStream in, ConnectionOptions options) throws IOException {
        return new ShapedProtocol(options, in, socket.getOutputStream(), () -> {
            try {
                in.close();
            } finally {
                socket.close();
            }
        }, socket);
    }

    /**
     * What came of {@link #attempt}: the running connection, or the handshake's failure with the engine's
     * {@link V1Suggestion}, as rust-bitcoin/bip324 pairs its protocol errors with one.
     */
    public sealed interface Attempt permits Attempt.Established, Attempt.Failed {
        /** The handshake completed. */
        record Established(ShapedProtocol protocol) implements Attempt {
            public Established {
                Objects.requireNonNull(protocol, "protocol");
            }
        }

        /**
         * The handshake failed with {@code error} (as {@link #over(Socket, InputStream, ConnectionOptions)} would
         * throw it; the socket is closed), and {@code suggestion} says whether a v1 redial is worth it.
         */
        record Failed(IOException error, V1Suggestion suggestion) implements Attempt {
            public Failed {
                Objects.requireNonNull(error, "error");
                Objects.requireNonNull(suggestion, "suggestion");
            }
        }
    }

    /**
     * As {@link #over(Socket, InputStream, ConnectionOptions)}, for an initiator that may have dialed a v1-only
     * node: a failed handshake comes back with the engine's {@link ShapedEngine#v1Suggestion()} instead of being
     * thrown. Runtime exceptions (bugs) are still thrown.
     */
    public static Attempt attempt(Socket socket, InputStream in, ConnectionOptions options) {
        ShapedEngine engine = options.newEngine(false);
        try {
            return new Attempt.Established(new ShapedProtocol(options, engine, in, socket.getOutputStream(), () -> {
                try {
                    in.close();
                } finally {
                    socket.close();
                }
            }, socket));
        } catch (IOException e) {
            engine.close(); // zeroes the key if the constructor never ran; the suggestion survives it
            return new Attempt.Failed(e, engine.v1Suggestion());
        }
    }

    /** Same as {@link ConnectionOptions#of}. */
    public static ConnectionOptions options(Role role, Network network) {
        return ConnectionOptions.of(role, network);
    }

    private void handshake() throws IOException {
        flushWrites();
        while (!engine.isEstablished()) {
            fill();
            engine.receive(unread);
            flushWrites();
        }
    }

    /** The 32-byte session id both sides share. */
    public byte[] sessionId() {
        return engine.sessionId().orElseThrow();
    }

    public String sessionIdHex() {
        return engine.sessionIdHex().orElseThrow();
    }

    public TrafficStats stats() {
        return engine.stats();
    }

    public Network network() {
        return engine.network();
    }

    // --- reading -----------------------------------------------------------------------------------------------

    /** The next genuine message; blocks. Unknown short IDs are skipped. {@link EOFException} when the peer closed. */
    public NetworkMessage read() throws IOException {
        return readNext(this::pollMessage);
    }

    /** The next genuine packet's raw contents (message type + payload); blocks. */
    public byte[] readContents() throws IOException {
        return readNext(this::pollContents);
    }

    /**
     * True if {@link #read()} would return a message without reading from the stream: it came with bytes already
     * read. Decodes what is buffered to find out, skipping what {@link #read()} skips (packets without a known
     * message type, counted), so it is for readers of messages; false when in doubt (a failure shows at the next
     * read).
     */
    public boolean hasReadyMessage() {
        readLock.lock();
        try {
            while (peeked == null) {
                NetworkMessage next = engine.pollMessage();
                if (next != null) {
                    peeked = next;
                } else if (!unread.hasRemaining() || engine.receive(unread).bytesConsumed() == 0) {
                    return false;
                }
            }
            return true;
        } catch (Bip324Exception e) {
            readyFailure = e; // the peer's bad data: the next read reports it as such
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            readLock.unlock();
        }
    }

    /** The engine's next message, after one {@link #hasReadyMessage()} took out; readLock held. */
    private NetworkMessage pollMessage() throws Bip324Exception {
        NetworkMessage next = peeked;
        if (next != null) {
            peeked = null;
            return next;
        }
        return engine.pollMessage();
    }

    private byte[] pollContents() {
        NetworkMessage next = peeked;
        if (next != null) {
            peeked = null;
            ByteBuffer contents = V2MessageCodec.contents(next);
            byte[] bytes = new byte[contents.remaining()];
            contents.get(bytes);
            return bytes;
        }
        return engine.pollContents();
    }

    /** One way of taking a delivered packet from the engine: as a message or as raw contents. */
    private interface Poll<T> {
        T next() throws Bip324Exception;
    }

    /** Reads from the peer until {@code poll} yields something; the one read loop behind both read methods. */
    private <T> T readNext(Poll<T> poll) throws IOException {
        readLock.lock();
        try {
            Bip324Exception found = readyFailure;
            if (found != null) {
                readyFailure = null; // later reads say it failed earlier
                throw found;
            }
            ensureNotFailed();
            T next;
            while ((next = poll.next()) == null) {
                receiveMore();
            }
            return next;
        } catch (EngineClosedException e) {
            throw new EOFException("connection closed"); // an abort() closed the engine while this read waited
        } finally {
            readLock.unlock();
        }
    }

    private void receiveMore() throws IOException {
        if (!unread.hasRemaining()) {
            fill();
        }
        engine.receive(unread);
    }

    private void fill() throws IOException {
        ensureOpen();
        int n;
        try {
            n = in.read(readBytes);
        } catch (IOException e) {
            throw state.get() != OPEN ? new EOFException("connection closed") : e;
        }
        if (n < 0) {
            peerEnded = true;
            throw new EOFException("peer closed the connection");
        }
        engine.recordRead(n);
        unread = ByteBuffer.wrap(readBytes, 0, n);
    }

    // --- writing -----------------------------------------------------------------------------------------------

    /**
     * Sends a message with its padding; blocks until the bytes are handed to the stream. A queueing strategy (a
     * ticker) may hold a small packet for its next tick instead: then this returns at once and the decoy thread
     * writes it on the tick, or {@link #close()} does, whichever comes first.
     */
    public void write(NetworkMessage message) throws IOException {
        write(message, Release.SHAPED);
    }

    /**
     * As {@link #write(NetworkMessage)}; with {@link Release#NOW} the message and whatever the shaper held before it
     * are written now instead of on the next tick.
     */
    public void write(NetworkMessage message, Release release) throws IOException {
        writeContents(V2MessageCodec.contents(message), release);
    }

    /** Sends one genuine packet's raw contents (message type + payload). */
    public void writeContents(byte[] contents) throws IOException {
        writeContents(ByteBuffer.wrap(contents));
    }

    /**
     * Sends the remaining bytes of {@code contents} as one genuine packet's contents, uncopied: they must not change
     * until the packet is on the wire (a held packet leaves on a later tick).
     */
    public void writeContents(ByteBuffer contents) throws IOException {
        writeContents(contents, Release.SHAPED);
    }

    private void writeContents(ByteBuffer contents, Release release) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            engine.sendContents(contents, release);
            flushWrites();
        } catch (EngineClosedException e) {
            throw new EOFException("connection closed"); // an abort() does not wait for the write lock
        } catch (EngineFailedException e) {
            throw failedEarlier(e.failure()); // the reader met the peer's bad data after our ensureOpen()
        } finally {
            writeLock.unlock();
        }
        wakeDecoysIfEarlier();
    }

    /** Writes every pending write, each with one {@code write} call; the caller holds writeLock or runs the handshake. */
    private void flushWrites() throws IOException {
        IOException failure = writeFailure;
        if (failure != null) {
            throw failure;
        }
        try {
            OutboundWrite w;
            Delivery through = null;
            while ((w = engine.pollOutbound()) != null) {
                out.write(w.bytes());
                engine.recordWritten(w.bytes().length);
                through = w.delivered();
            }
            if (through != null) {
                out.flush();
                written = through;
            }
        } catch (IOException e) {
            writeFailure = e;
            throw state.get() != OPEN ? new EOFException("connection closed") : e;
        }
    }

    // --- decoys ------------------------------------------------------------------------------------------------

    private void runDecoys() {
        try {
            while (state.get() == OPEN) {
                long deadline = engine.nextDeadlineNanos();
                long wait = deadline == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : deadline - clock.nanoTime();
                if (wait > 0) {
                    tickLock.lock();
                    try {
                        // Publish the deadline, then look again: a write that moved the schedule earlier either
                        // sees what we sleep towards (and signals) or is seen here.
                        decoysSleepUntil = deadline;
                        if (state.get() == OPEN && engine.nextDeadlineNanos() >= deadline) {
                            tickChanged.awaitNanos(wait);
                        }
                    } finally {
                        decoysSleepUntil = Long.MIN_VALUE;
                        tickLock.unlock();
                    }
                    continue;
                }
                writeLock.lock();
                try {
                    if (state.get() != OPEN) {
                        break;
                    }
                    engine.tick();
                    flushWrites();
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // A failed write ends the connection; readers and writers see it as their own failure.
            abortQuietly();
        } catch (RuntimeException e) {
            abortQuietly();
            throw e; // a bug: the thread's uncaught-exception handler reports it, not a quiet end
        }
    }

    /**
     * A write may have moved the shaper's schedule earlier (strategies that hold packets): then let the decoy thread
     * look again. Waking it on every write cost a context switch per message for nothing with the usual strategies.
     */
    private void wakeDecoysIfEarlier() {
        if (engine.nextDeadlineNanos() < decoysSleepUntil) {
            wakeDecoys();
        }
    }

    private void wakeDecoys() {
        tickLock.lock();
        try {
            tickChanged.signalAll();
        } finally {
            tickLock.unlock();
        }
    }

    // --- lifecycle ---------------------------------------------------------------------------------------------

    private void ensureOpen() throws IOException {
        if (state.get() != OPEN) {
            throw new EOFException("connection closed");
        }
        ensureNotFailed();
    }

    /**
     * After the peer broke the protocol the engine is finished: fail at once instead of reading the socket again
     * (which would wait forever for bytes the engine can no longer take) or writing with a failed engine.
     */
    private void ensureNotFailed() throws Bip324Exception {
        if (engine.state() == ShapedEngine.State.FAILED) {
            throw failedEarlier(engine.failure().orElseThrow());
        }
    }

    /** The engine's first error again, for a later call: the peer's bad data as such, a bug as the bug it is. */
    private static Bip324Exception failedEarlier(Exception failure) {
        if (failure instanceof Bip324Exception) {
            return new Bip324Exception("the connection failed earlier (" + failure.getClass().getSimpleName()
                    + "); close it", failure);
        }
        throw new IllegalStateException("the engine failed earlier on a bug", failure);
    }

    /** Closing or closed: no more writes are accepted. */
    public boolean isClosed() {
        return state.get() != OPEN;
    }

    /**
     * The graceful close: first puts every message accepted so far on the wire, in order (a strategy's held packets
     * leave at once, padded as it pads), then stops the decoy thread, closes the streams and zeroes the keys. It waits
     * at most {@link ConnectionOptions#closeLinger()} for a slow peer to take the bytes; what is still unsent then is
     * dropped and counted in {@link #undelivered()}. Idempotent: a concurrent second call waits for the first.
     * Blocked readers get an {@link EOFException}.
     */
    @Override
    public void close() throws IOException {
        shutdown(true);
    }

    /** The abortive close: drops whatever is unsent (counted in {@link #undelivered()}) and closes at once. */
    public void abort() throws IOException {
        shutdown(false);
    }

    /**
     * Messages accepted by a write but not on the wire when the connection closed (none after a graceful close
     * unless the peer stalled past the linger or the connection failed). Empty while the connection is open.
     */
    public Delivery undelivered() {
        return state.get() == CLOSED ? engine.accepted().minus(written) : Delivery.NONE;
    }

    private void shutdown(boolean graceful) throws IOException {
        if (!state.compareAndSet(OPEN, CLOSING)) {
            awaitClosed();
            return;
        }
        try {
            if (graceful) {
                drain();
            }
        } finally {
            wakeDecoys();
            try {
                transport.close();
            } finally {
                Thread t = decoyThread;
                boolean interrupted = false;
                if (t != null && t != Thread.currentThread()) {
                    try {
                        t.join(TimeUnit.SECONDS.toMillis(5));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                engine.close();
                state.set(CLOSED);
                closedLatch.countDown();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while stopping the decoy thread");
                }
            }
        }
    }

    /**
     * Releases what the shaper holds and writes everything, bounded by the linger: a watchdog closes the transport
     * when it runs out, which ends a write the peer does not take (and the lock wait behind it).
     */
    private void drain() {
        if (writeFailure != null || engine.state() == ShapedEngine.State.FAILED) {
            return;
        }
        long deadline = System.nanoTime() + lingerNanos;
        ScheduledFuture<?> watchdog = SharedTickScheduler.get().schedule(this::closeTransportQuietly,
                lingerNanos, TimeUnit.NANOSECONDS);
        writeLock.lock();
        try {
            engine.closeOutbound();
            flushWrites();
        } catch (IOException e) {
            // the linger ran out or the peer went away: what is left is counted as undelivered
            return;
        } finally {
            writeLock.unlock();
            watchdog.cancel(false);
        }
        lingerForPeerEnd(deadline);
    }

    /**
     * Closing a socket that still has unread bytes from the peer sends a reset, and a reset makes the peer's kernel
     * discard what it received and its application has not read yet: our last messages. So half-close instead (a
     * FIN after the last byte), then read and discard until the peer, having read everything, closes too (Bitcoin
     * Core does at once), or the linger runs out.
     */
    private void lingerForPeerEnd(long deadline) {
        if (socket == null || socket.isClosed()) {
            return;
        }
        try {
            awaitCloseAcknowledged(deadline);
            socket.shutdownOutput();
            while (!peerEnded) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                if (readLock.tryLock()) { // else a reader is in a read and will see the end itself
                    try {
                        socket.setSoTimeout((int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
                        if (in.read(readBytes) < 0) {
                            peerEnded = true;
                        }
                    } finally {
                        readLock.unlock();
                    }
                } else {
                    Thread.sleep(Math.min(left, 10));
                }
            }
        } catch (IOException e) {
            // a timeout or a reset: either way the peer had its chance to read everything
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads until the peer's pong to the engine's closing ping (its receipt for everything before it), feeding the
     * engine and dropping whatever else arrives: the application is closing. A reader in a read does the feeding.
     */
    private void awaitCloseAcknowledged(long deadline) throws IOException, InterruptedException {
        while (!engine.isCloseAcknowledged() && !peerEnded && engine.state() != ShapedEngine.State.FAILED) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            if (!readLock.tryLock()) {
                Thread.sleep(Math.min(left, 10));
                continue;
            }
            try {
                while (unread.hasRemaining() && !engine.isCloseAcknowledged()) {
                    engine.receive(unread);
                    while (engine.pollContents() != null) {
                        // closing: nobody takes messages any more
                    }
                }
                if (engine.isCloseAcknowledged()) {
                    return;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
                int n = in.read(readBytes);
                if (n < 0) {
                    peerEnded = true;
                    return;
                }
                engine.recordRead(n);
                unread = ByteBuffer.wrap(readBytes, 0, n);
            } finally {
                readLock.unlock();
            }
        }
    }

    private void awaitClosed() throws IOException {
        if (Thread.currentThread() == decoyThread) {
            return; // the closer is waiting for this thread to end
        }
        try {
            if (!closedLatch.await(lingerNanos + TimeUnit.SECONDS.toNanos(6), TimeUnit.NANOSECONDS)) {
                throw new InterruptedIOException("another close() of this connection did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for another close() to finish");
        }
    }

    private void closeTransportQuietly() {
        try {
            transport.close();
        } catch (IOException | RuntimeException ignored) {
            // the drain sees its write fail, which is the point
        }
    }

    private void abortQuietly() {
        try {
            abort();
        } catch (IOException | RuntimeException ignored) {
            // already failing; the first error is what the caller sees
        }
    }
}

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.handshake.Role;
import org.bip324shaper.core.message.NetworkMessage;
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
    private final MonotonicClock clock;

    private final ReentrantLock readLock = new ReentrantLock();
    private final byte[] readBytes = new byte[READ_BUFFER];
    private ByteBuffer unread = ByteBuffer.allocate(0);

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock tickLock = new ReentrantLock();
    private final Condition tickChanged = tickLock.newCondition();
    private final Thread decoyThread;
    private volatile boolean closed;
    /** The deadline the decoy thread sleeps towards, or {@code Long.MIN_VALUE} while it is awake. */
    private volatile long decoysSleepUntil = Long.MIN_VALUE;
    private volatile IOException writeFailure;
    /** The first protocol error the peer caused; the engine is unusable after it. */
    private volatile Bip324Exception protocolFailure;

    private ShapedProtocol(ConnectionOptions options, InputStream in, OutputStream out, Closeable transport)
            throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.transport = transport;
        this.clock = options.clock();
        this.engine = options.newEngine();
        try {
            handshake();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
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
        });
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
            p = new ShapedProtocol(options, socket.getInputStream(), socket.getOutputStream(), socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        socket.setSoTimeout(oldTimeout);
        return p;
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

    // --- reading -----------------------------------------------------------------------------------------------

    /** The next genuine message; blocks. Unknown short IDs are skipped. {@link EOFException} when the peer closed. */
    public NetworkMessage read() throws IOException {
        return readNext(engine::pollMessage);
    }

    /** The next genuine packet's raw contents (message type + payload); blocks. */
    public byte[] readContents() throws IOException {
        return readNext(engine::pollContents);
    }

    /** One way of taking a delivered packet from the engine: as a message or as raw contents. */
    private interface Poll<T> {
        T next() throws Bip324Exception;
    }

    /** Reads from the peer until {@code poll} yields something; the one read loop behind both read methods. */
    private <T> T readNext(Poll<T> poll) throws IOException {
        readLock.lock();
        try {
            ensureNotFailed();
            T next;
            while ((next = poll.next()) == null) {
                receiveMore();
            }
            return next;
        } catch (Bip324Exception e) {
            protocolFailure = e;
            throw e;
        } catch (IllegalStateException e) {
            throw closedOr(e);
        } finally {
            readLock.unlock();
        }
    }

    /** A close() racing a read shows up as the engine refusing work: report it as the close it is. */
    private RuntimeException closedOr(IllegalStateException e) throws EOFException {
        if (closed) {
            throw new EOFException("connection closed");
        }
        return e;
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
            throw closed ? new EOFException("connection closed") : e;
        }
        if (n < 0) {
            throw new EOFException("peer closed the connection");
        }
        engine.recordRead(n);
        unread = ByteBuffer.wrap(readBytes, 0, n);
    }

    // --- writing -----------------------------------------------------------------------------------------------

    /**
     * Sends a message with its padding; blocks until the bytes are handed to the stream. A queueing strategy (a
     * ticker) may hold a small packet for its next tick instead: then this returns at once, the decoy thread writes
     * it on the tick, and a {@link #close()} before that tick drops it.
     */
    public void write(NetworkMessage message) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            engine.send(message);
            flushWrites();
        } finally {
            writeLock.unlock();
        }
        wakeDecoysIfEarlier();
    }

    /** Sends one genuine packet's raw contents (message type + payload). */
    public void writeContents(byte[] contents) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            engine.sendContents(contents);
            flushWrites();
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
        byte[] w;
        try {
            boolean any = false;
            while ((w = engine.pollWrite()) != null) {
                out.write(w);
                any = true;
            }
            if (any) {
                out.flush();
            }
        } catch (IOException e) {
            writeFailure = e;
            throw closed ? new EOFException("connection closed") : e;
        }
    }

    // --- decoys ------------------------------------------------------------------------------------------------

    private void runDecoys() {
        try {
            while (!closed) {
                long deadline = engine.nextDeadlineNanos();
                long wait = deadline == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : deadline - clock.nanoTime();
                if (wait > 0) {
                    tickLock.lock();
                    try {
                        // Publish the deadline, then look again: a write that moved the schedule earlier either
                        // sees what we sleep towards (and signals) or is seen here.
                        decoysSleepUntil = deadline;
                        if (!closed && engine.nextDeadlineNanos() >= deadline) {
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
                    if (closed) {
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
        } catch (IOException | RuntimeException e) {
            // A failed write ends the connection; readers and writers see it as their own failure.
            closeQuietly();
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
        if (closed) {
            throw new EOFException("connection closed");
        }
        ensureNotFailed();
    }

    /**
     * After the peer broke the protocol the engine is finished: fail at once instead of reading the socket again
     * (which would wait forever for bytes the engine can no longer take) or writing with a failed engine.
     */
    private void ensureNotFailed() throws Bip324Exception {
        Bip324Exception failure = protocolFailure;
        if (failure != null) {
            throw new Bip324Exception("the connection failed earlier (" + failure.getClass().getSimpleName()
                    + "); close it", failure);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops the decoy thread, closes the streams and zeroes the keys. Idempotent; blocked readers get an exception. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        flushHeldBeforeClose();
        closed = true;
        wakeDecoys();
        try {
            transport.close();
        } finally {
            Thread t = decoyThread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while stopping the decoy thread");
                }
            }
            engine.close();
        }
    }

    /**
     * A queueing strategy may still hold packets the application wrote: send them before closing. Best effort and
     * bounded: a peer that stopped reading cannot make close() hang (the transport is closed after 1 s, which ends
     * the write).
     */
    private void flushHeldBeforeClose() {
        if (writeFailure != null || engine.heldPackets() == 0) {
            return;
        }
        Thread flusher = new Thread(() -> {
            writeLock.lock();
            try {
                if (engine.releaseHeldForClose() > 0) {
                    flushWrites();
                }
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            } finally {
                writeLock.unlock();
            }
        }, "bip324-close-flush-" + THREAD_IDS.incrementAndGet());
        flusher.setDaemon(true);
        flusher.start();
        try {
            flusher.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException ignored) {
            // already failing; the first error is what the caller sees
        }
    }
}

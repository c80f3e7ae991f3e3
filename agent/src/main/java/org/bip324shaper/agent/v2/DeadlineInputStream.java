package org.bip324shaper.agent.v2;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * A socket's input that counts the bytes read and, while a deadline is set, bounds every read by the time left
 * before it. A socket timeout alone bounds each read, so a peer dripping one byte at a time could stretch an
 * exchange forever; this bounds the whole exchange.
 *
 * <p>For diagnosing a failed handshake it also keeps the first {@link #HEAD_LENGTH} bytes (the peer's public key,
 * or whatever came instead: never secret, never logged) and when bytes last arrived.
 *
 * <p>Used by one reading thread at a time.
 */
public final class DeadlineInputStream extends InputStream {

    private static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Bytes kept from the start of the stream: as long as a BIP-324 public key. */
    public static final int HEAD_LENGTH = 64;

    private final Socket socket;
    private final InputStream in;
    private long bytesRead;
    private final byte[] head = new byte[HEAD_LENGTH];
    private volatile long lastByteNanos;
    private volatile long deadlineNanos = NO_DEADLINE;
    /** For {@link #handshakeBudget}: 0 when unused. */
    private long budgetNanos;
    private long milestoneBytes;
    private boolean budgetStarted;
    private volatile long budgetStartNanos;
    /** No read ever waits past this, whatever the budget says. */
    private volatile long notAfterNanos = NO_DEADLINE;

    public DeadlineInputStream(Socket socket) throws IOException {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.in = socket.getInputStream();
    }

    /** Reads must complete by {@code System.nanoTime()} reaching {@code nanoTime}. */
    public void deadline(long nanoTime) {
        budgetNanos = 0;
        deadlineNanos = nanoTime;
    }

    /**
     * Bounds a handshake by what the peer does, not by our own computing: the first {@code milestoneBytes} must
     * arrive within {@code budget} of the next read (the first one comes after we sent our key, so generating it
     * does not count), and the rest within {@code budget} of that milestone (our key agreement may eat into it).
     */
    public void handshakeBudget(Duration budget, long milestoneBytes) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget must be positive, got " + budget);
        }
        this.budgetNanos = budget.toNanos();
        this.milestoneBytes = milestoneBytes;
        this.budgetStarted = false;
        this.deadlineNanos = NO_DEADLINE;
    }

    /** No read waits past {@code nanoTime} ({@code System.nanoTime()}), whatever deadline or budget is set. */
    public void notAfter(long nanoTime) {
        notAfterNanos = nanoTime;
    }

    /** Reads wait as long as it takes again. */
    public void clearDeadline() throws IOException {
        budgetNanos = 0;
        deadlineNanos = NO_DEADLINE;
        notAfterNanos = NO_DEADLINE;
        socket.setSoTimeout(0);
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** The first bytes read (at most {@link #HEAD_LENGTH}). */
    public byte[] head() {
        return java.util.Arrays.copyOf(head, (int) Math.min(bytesRead, HEAD_LENGTH));
    }

    /** {@code System.nanoTime()} of the first read under {@link #handshakeBudget}, when its clock started. */
    public long budgetStartNanos() {
        return budgetStartNanos;
    }

    /** {@code System.nanoTime()} when bytes last arrived; meaningless while {@link #bytesRead()} is 0. */
    public long lastByteNanos() {
        return lastByteNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (budgetNanos != 0 && !budgetStarted) {
            budgetStarted = true;
            budgetStartNanos = System.nanoTime();
            deadlineNanos = budgetStartNanos + budgetNanos;
        }
        long deadline = Math.min(deadlineNanos, notAfterNanos);
        if (deadline != NO_DEADLINE) {
            long leftMillis = (deadline - System.nanoTime() + 999_999) / 1_000_000;
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            lastByteNanos = System.nanoTime();
            if (bytesRead < HEAD_LENGTH) {
                System.arraycopy(b, off, head, (int) bytesRead, (int) Math.min(n, HEAD_LENGTH - bytesRead));
            }
            boolean crossesMilestone = bytesRead < milestoneBytes && bytesRead + n >= milestoneBytes;
            bytesRead += n;
            if (budgetNanos != 0 && crossesMilestone) {
                deadlineNanos = System.nanoTime() + budgetNanos;
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    /** Closes the socket: this stream is the connection's way to end it. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}

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
 * <p>Used by one reading thread at a time.
 */
public final class DeadlineInputStream extends InputStream {

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Socket socket;
    private final InputStream in;
    private long bytesRead;
    private volatile long deadlineNanos = NO_DEADLINE;
    /** For {@link #handshakeBudget}: 0 when unused. */
    private long budgetNanos;
    private long milestoneBytes;
    private boolean budgetStarted;

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

    /** Reads wait as long as it takes again. */
    public void clearDeadline() throws IOException {
        budgetNanos = 0;
        deadlineNanos = NO_DEADLINE;
        socket.setSoTimeout(0);
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return bytesRead;
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
            deadlineNanos = System.nanoTime() + budgetNanos;
        }
        long deadline = deadlineNanos;
        if (deadline != NO_DEADLINE) {
            long leftMillis = (deadline - System.nanoTime() + 999_999) / 1_000_000;
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
        }
        int n = in.read(b, off, len);
        if (n > 0) {
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

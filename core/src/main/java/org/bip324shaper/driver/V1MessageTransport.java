package org.bip324shaper.driver;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;

/**
 * Plain v1 frames over a blocking stream: the one v1 read loop. A frame is written in one write: without copying
 * its payload when the message carries its own header room (it was read from v1) or on a socket channel (a
 * gathering write); on a plain stream a small frame is assembled in a reused buffer (a copy costs less than a second
 * system call: a wallet's sync is thousands of small merkleblocks), a large one goes as header, then payload.
 */
final class V1MessageTransport implements MessageTransport {
    private static final int READ_BUFFER = 64 * 1024;
    /**
     * Frames up to this size are assembled in one buffer and written with one system call, as are runs of them that
     * {@link #writeBuffered} collects; larger ones are written from their own arrays.
     */
    static final int PENDING_MAX = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    /** The socket's channel when it has one: one gathering write per frame. */
    private final SocketChannel channel;
    private final Network network;
    private final Closeable resource;
    private final V1FrameDecoder decoder;
    private final V1FrameEncoder encoder;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] readBytes = new byte[READ_BUFFER];
    /** Frames written but not yet flushed; guarded by the write lock, allocated at the first frame. */
    private byte[] pending;
    private int pendingLength;
    private ByteBuffer unread;
    /** What {@link #hasReadyMessage()} decoded, or the error it met; the next read returns it. Read lock. */
    private NetworkMessage ready;
    private IOException readyFailure;
    private volatile boolean closed;

    V1MessageTransport(InputStream in, OutputStream out, SocketChannel channel, Network network, byte[] alreadyRead,
                       Closeable resource) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.channel = channel;
        this.network = Objects.requireNonNull(network, "network");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.decoder = new V1FrameDecoder(network);
        this.encoder = new V1FrameEncoder(network);
        this.unread = ByteBuffer.wrap(alreadyRead.clone());
    }

    static V1MessageTransport over(Socket socket, Network network, byte[] alreadyRead) throws IOException {
        socket.setTcpNoDelay(true); // a frame is written whole; Nagle would only delay it
        return new V1MessageTransport(socket.getInputStream(), socket.getOutputStream(), socket.getChannel(), network,
                alreadyRead, socket);
    }

    @Override
    public Kind kind() {
        return Kind.V1;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public NetworkMessage read() throws IOException {
        readLock.lock();
        try {
            NetworkMessage peeked = ready;
            if (peeked != null) {
                ready = null;
                return peeked;
            }
            if (readyFailure != null) {
                throw readyFailure;
            }
            while (true) {
                NetworkMessage message = decoder.decode(unread);
                if (message != null) {
                    return message;
                }
                int n = in.read(readBytes); // the decoder copied what it needed out of the last read
                if (n < 0) {
                    throw new EOFException("peer closed the connection");
                }
                unread = ByteBuffer.wrap(readBytes, 0, n);
            }
        } catch (IOException e) {
            throw closed && !(e instanceof EOFException) ? new EOFException("connection closed") : e;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public boolean hasReadyMessage() {
        readLock.lock();
        try {
            if (ready == null && readyFailure == null && unread.hasRemaining()) {
                ready = decoder.decode(unread);
            }
            return ready != null;
        } catch (IOException e) {
            readyFailure = e; // the next read reports it
            return false;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void write(NetworkMessage message) throws IOException {
        writeLock.lock();
        try {
            writeFrame(message);
            flushPending();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void writeBuffered(NetworkMessage message) throws IOException {
        writeLock.lock();
        try {
            writeFrame(message);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        writeLock.lock();
        try {
            flushPending();
        } finally {
            writeLock.unlock();
        }
    }

    /** Appends a small frame to the pending bytes, or writes the pending bytes and then a large frame; writeLock held. */
    private void writeFrame(NetworkMessage message) throws IOException {
        if (closed) {
            throw new EOFException("connection closed");
        }
        ByteBuffer[] frame = encoder.frame(message);
        int length = V1FrameEncoder.HEADER_LENGTH + message.payloadLength();
        if (length > PENDING_MAX) {
            flushPending();
            writeOut(frame);
            return;
        }
        if (pendingLength + length > PENDING_MAX) {
            flushPending();
        }
        if (pending == null) {
            pending = new byte[PENDING_MAX];
        }
        for (ByteBuffer b : frame) {
            int n = b.remaining();
            b.duplicate().get(pending, pendingLength, n);
            pendingLength += n;
        }
    }

    /** writeLock held. */
    private void flushPending() throws IOException {
        if (pendingLength > 0) {
            int length = pendingLength;
            pendingLength = 0; // a failed write loses the stream anyway
            writeOut(new ByteBuffer[] {ByteBuffer.wrap(pending, 0, length)});
        }
    }

    private void writeOut(ByteBuffer[] buffers) throws IOException {
        if (channel != null && channel.isBlocking()) {
            long left = 0;
            for (ByteBuffer b : buffers) {
                left += b.remaining();
            }
            while (left > 0) {
                left -= channel.write(buffers);
            }
        } else {
            for (ByteBuffer b : buffers) {
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
            out.flush();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        if (writeLock.tryLock()) { // a writer blocked on a peer that does not read must not block the close
            try {
                flushPending();
            } catch (IOException e) {
                // the stream is gone: what was buffered cannot be delivered either way
            } finally {
                writeLock.unlock();
            }
        }
        closed = true;
        resource.close();
    }

    @Override
    public String toString() {
        return "V1MessageTransport[" + network.id() + "]";
    }
}

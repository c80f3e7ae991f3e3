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
    /** Frames up to this size are written with one system call on a plain stream. */
    static final int ASSEMBLED_FRAME_MAX = 16 * 1024;

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
    /** Guarded by the write lock; allocated at the first small frame that needs it. */
    private byte[] frameBytes;
    private ByteBuffer unread;
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
    public void write(NetworkMessage message) throws IOException {
        writeLock.lock();
        try {
            if (closed) {
                throw new EOFException("connection closed");
            }
            ByteBuffer[] frame = encoder.frame(message);
            if (channel != null && channel.isBlocking()) {
                long left = 0;
                for (ByteBuffer b : frame) {
                    left += b.remaining();
                }
                while (left > 0) {
                    left -= channel.write(frame);
                }
            } else if (frame.length > 1 && V1FrameEncoder.HEADER_LENGTH + message.payloadLength()
                    <= ASSEMBLED_FRAME_MAX) {
                if (frameBytes == null) {
                    frameBytes = new byte[ASSEMBLED_FRAME_MAX];
                }
                int length = 0;
                for (ByteBuffer b : frame) {
                    int n = b.remaining();
                    b.duplicate().get(frameBytes, length, n);
                    length += n;
                }
                out.write(frameBytes, 0, length);
                out.flush();
            } else {
                for (ByteBuffer b : frame) {
                    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                }
                out.flush();
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        resource.close();
    }

    @Override
    public String toString() {
        return "V1MessageTransport[" + network.id() + "]";
    }
}

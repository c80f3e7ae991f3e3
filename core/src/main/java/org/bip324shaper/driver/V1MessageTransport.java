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
 * Plain v1 frames over a blocking stream: the one v1 read loop. A frame is written without copying its payload: in
 * one write when the message carries its own header room (it was read from v1), else header and payload as one
 * gathering write on a socket channel, or two writes on a plain stream.
 */
final class V1MessageTransport implements MessageTransport {
    private static final int READ_BUFFER = 64 * 1024;

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

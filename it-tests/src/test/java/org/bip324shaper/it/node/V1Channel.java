package org.bip324shaper.it.node;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;

/** Plain v1 frames over a socket, starting with bytes already taken off it while the transport was detected. */
final class V1Channel implements MessageChannel {
    private static final int READ_BUFFER = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final V1FrameDecoder decoder;
    private final V1FrameEncoder encoder;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] readBytes = new byte[READ_BUFFER];
    private ByteBuffer unread;

    V1Channel(Socket socket, Network network, byte[] alreadyRead) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.decoder = new V1FrameDecoder(network);
        this.encoder = new V1FrameEncoder(network);
        this.unread = ByteBuffer.wrap(alreadyRead.clone());
    }

    @Override
    public Transport transport() {
        return Transport.V1;
    }

    @Override
    public Optional<String> sessionIdHex() {
        return Optional.empty();
    }

    @Override
    public NetworkMessage read() throws IOException {
        while (true) {
            NetworkMessage m = decoder.decode(unread);
            if (m != null) {
                return m;
            }
            int n = in.read(readBytes);
            if (n < 0) {
                throw new EOFException("peer closed the connection");
            }
            unread = ByteBuffer.wrap(readBytes, 0, n);
        }
    }

    @Override
    public void write(NetworkMessage message) throws IOException {
        byte[] frame = encoder.encode(message);
        writeLock.lock();
        try {
            out.write(frame);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package org.bip324shaper.driver;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.ShapedEngine;
import org.bip324shaper.core.message.NetworkMessage;

/**
 * A misbehaving peer for lifecycle tests: a real engine over a plain socket, driven by hand, so a test can complete
 * the handshake and then send half a packet, reset the connection, or stop reading.
 */
final class EnginePeer implements AutoCloseable {
    final Socket socket;
    final ShapedEngine engine;
    private final InputStream in;
    private final OutputStream out;

    EnginePeer(Socket socket, Role role) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.engine = ShapedEngine.builder(role, Network.REGTEST).build();
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Runs the handshake to the end, reading no byte past it (the peer sends nothing before it hears from us). */
    EnginePeer handshake() throws IOException {
        flush();
        byte[] buf = new byte[1];
        while (!engine.isEstablished()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new EOFException("driver closed during the handshake");
            }
            engine.receive(ByteBuffer.wrap(buf, 0, n));
            flush();
        }
        return this;
    }

    /** One encrypted packet carrying {@code message}, exactly as the engine would write it. */
    byte[] encrypt(NetworkMessage message) {
        engine.send(message);
        return engine.pollWrite();
    }

    void writeRaw(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
        out.flush();
    }

    /** Aborts the connection with a TCP RST instead of a FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void flush() throws IOException {
        byte[] w;
        while ((w = engine.pollWrite()) != null) {
            out.write(w);
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            engine.close();
        }
    }
}

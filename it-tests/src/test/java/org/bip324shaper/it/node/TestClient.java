package org.bip324shaper.it.node;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.handshake.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.driver.ShapedProtocol;
import org.bitcoinj.core.BaseMessage;
import org.bitcoinj.core.VersionMessage;

/** A scripted peer for the node's tests: v2 through the core's driver as initiator, or plain v1 frames. */
final class TestClient implements Closeable {
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final ShapedProtocol v2;
    private final InputStream in;
    private final OutputStream out;
    private final V1FrameDecoder decoder = new V1FrameDecoder(Network.REGTEST);
    private final V1FrameEncoder encoder = new V1FrameEncoder(Network.REGTEST);
    private final byte[] buffer = new byte[64 * 1024];
    private ByteBuffer unread = ByteBuffer.allocate(0);

    private TestClient(Socket socket, ShapedProtocol v2) throws IOException {
        this.socket = socket;
        this.v2 = v2;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static TestClient v1(int port) throws IOException {
        return new TestClient(connect(port), null);
    }

    /** Runs the BIP-324 handshake as initiator before returning. */
    static TestClient v2(int port) throws IOException {
        Socket socket = connect(port);
        return new TestClient(socket, ShapedProtocol.over(socket,
                ShapedProtocol.options(Role.INITIATOR, Network.REGTEST)));
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    Optional<String> sessionIdHex() {
        return v2 == null ? Optional.empty() : Optional.of(v2.sessionIdHex());
    }

    void send(String command, BaseMessage message) throws IOException {
        send(new NetworkMessage(command, message.serialize()));
    }

    void send(NetworkMessage m) throws IOException {
        if (v2 != null) {
            v2.write(m);
        } else {
            out.write(encoder.encode(m));
            out.flush();
        }
    }

    NetworkMessage read() throws IOException {
        if (v2 != null) {
            return v2.read();
        }
        while (true) {
            NetworkMessage m = decoder.decode(unread);
            if (m != null) {
                return m;
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("node closed the connection");
            }
            unread = ByteBuffer.wrap(buffer, 0, n);
        }
    }

    /** The next message, which must be {@code command}. */
    NetworkMessage expect(String command) throws IOException {
        NetworkMessage m = read();
        if (!m.command().equals(command)) {
            throw new AssertionError("expected '" + command + "', got " + m);
        }
        return m;
    }

    ByteBuffer expectPayload(String command) throws IOException {
        return expect(command).payload();
    }

    /** Sends our version, reads the node's version and verack, acknowledges; returns the node's version. */
    VersionMessage handshake(org.bitcoinj.core.NetworkParameters params) throws IOException {
        VersionMessage ours = new VersionMessage(params, 0);
        ours.subVer = "/test-client/";
        send("version", ours);
        VersionMessage theirs = VersionMessage.read(expectPayload("version"));
        expect("verack");
        send(new NetworkMessage("verack", new byte[0]));
        return theirs;
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            if (v2 != null) {
                v2.close();
            }
        }
    }
}

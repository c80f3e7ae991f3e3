package org.bip324shaper.it.node;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;
import org.bitcoinj.core.BaseMessage;
import org.bitcoinj.core.VersionMessage;

/** A scripted peer for the node's tests: v2 through the core's driver as initiator, or plain v1 frames. */
final class TestClient implements Closeable {
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final MessageTransport transport;

    private TestClient(MessageTransport transport) {
        this.transport = transport;
    }

    static TestClient v1(int port) throws IOException {
        return new TestClient(MessageTransport.v1(connect(port), Network.REGTEST));
    }

    /** Runs the BIP-324 handshake as initiator before returning. */
    static TestClient v2(int port) throws IOException {
        Socket socket = connect(port);
        return new TestClient(MessageTransport.v2(ShapedProtocol.over(socket,
                ShapedProtocol.options(Role.INITIATOR, Network.REGTEST))));
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    Optional<String> sessionIdHex() {
        return transport.sessionIdHex();
    }

    void send(String command, BaseMessage message) throws IOException {
        send(new NetworkMessage(command, message.serialize()));
    }

    void send(NetworkMessage m) throws IOException {
        transport.write(m);
    }

    NetworkMessage read() throws IOException {
        return transport.read();
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
        transport.close();
    }
}

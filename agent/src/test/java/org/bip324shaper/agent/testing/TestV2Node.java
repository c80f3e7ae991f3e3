package org.bip324shaper.agent.testing;

import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * The project's own BIP-324 peer, in-process: a loopback server that runs the handshake as RESPONDER with
 * {@link ShapedProtocol}, records every genuine packet's raw contents, and answers like a node: {@code version}
 * with its version and {@code verack}, {@code ping} with {@code pong}. Tests reach each connection to send more.
 */
public final class TestV2Node implements Closeable {

    public static final String USER_AGENT = "/TestV2Node:0.1/";
    public static final int START_HEIGHT = 123;

    /** What the node does besides answering. */
    public enum Misbehaviour {
        NONE,
        /** After answering the first version, sends a ping whose authentication tag has one bit flipped. */
        BAD_TAG_AFTER_VERSION,
        /** After answering the first version, sends a packet whose (encrypted) length has its top bit flipped. */
        OVERSIZE_AFTER_VERSION
    }

    private final Network network;
    private final TrafficConfig config;
    private final Misbehaviour misbehaviour;
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    private final LoopbackServer server;

    public TestV2Node(Network network) throws IOException {
        this(network, TrafficConfig.DEFAULT, Misbehaviour.NONE);
    }

    public TestV2Node(Network network, TrafficConfig config, Misbehaviour misbehaviour) throws IOException {
        this.network = network;
        this.config = config;
        this.misbehaviour = misbehaviour;
        this.server = new LoopbackServer(this::serve);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public int port() {
        return server.port();
    }

    public LoopbackServer server() {
        return server;
    }

    /** The next connection whose handshake completed, or null after {@code limit}. */
    public Connection nextConnection(Duration limit) throws InterruptedException {
        return connections.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void serve(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        TamperingOutput out = new TamperingOutput(socket.getOutputStream());
        ShapedProtocol protocol = ShapedProtocol.over(socket.getInputStream(), out,
                ShapedProtocol.options(Role.RESPONDER, network).config(config));
        socket.setSoTimeout(0);
        Connection connection = new Connection(protocol);
        connections.add(connection);
        try {
            while (true) {
                byte[] contents = protocol.readContents();
                connection.contents.add(contents);
                if (!(V2MessageCodec.decode(contents) instanceof V2Decoded.Message m)) {
                    continue;
                }
                NetworkMessage message = m.message();
                if (message.command().equals("version")) {
                    VersionMessage ours = new VersionMessage(VersionMessage.PROTOCOL_VERSION, 1, 1_700_000_000L,
                            new SecureRandom().nextLong(), USER_AGENT, START_HEIGHT, true);
                    protocol.write(new NetworkMessage("version", ours.encode((InetSocketAddress)
                            socket.getRemoteSocketAddress())));
                    protocol.write(new NetworkMessage("verack", new byte[0]));
                    if (misbehaviour != Misbehaviour.NONE) {
                        out.tamperNext(misbehaviour);
                        protocol.write(new NetworkMessage("ping", new byte[8]));
                    }
                } else if (message.command().equals("ping")) {
                    protocol.write(NetworkMessage.copyOf("pong", message.payload()));
                }
            }
        } catch (EOFException e) {
            // the other side closed: the normal end
        } finally {
            protocol.close();
            connection.ended.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** Passes writes through; the one after {@link #tamperNext} gets one bit flipped (one write = one packet). */
    private static final class TamperingOutput extends FilterOutputStream {
        private volatile Misbehaviour next = Misbehaviour.NONE;

        TamperingOutput(OutputStream out) {
            super(out);
        }

        void tamperNext(Misbehaviour how) {
            next = how;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
            Misbehaviour how = next;
            next = Misbehaviour.NONE;
            if (how == Misbehaviour.BAD_TAG_AFTER_VERSION) {
                copy[len - 1] ^= 1;                // the last byte of the Poly1305 tag
            } else if (how == Misbehaviour.OVERSIZE_AFTER_VERSION) {
                copy[2] ^= (byte) 0x80;            // the length is 3 bytes little-endian: adds 2^23
            }
            out.write(copy, 0, len);
        }
    }

    /** One accepted, handshaken connection. */
    public static final class Connection {
        private final ShapedProtocol protocol;
        private final String sessionIdHex;
        private final BlockingQueue<byte[]> contents = new LinkedBlockingQueue<>();
        private final CountDownLatch ended = new CountDownLatch(1);

        Connection(ShapedProtocol protocol) {
            this.protocol = protocol;
            this.sessionIdHex = protocol.sessionIdHex();
        }

        public String sessionIdHex() {
            return sessionIdHex;
        }

        /** The next genuine packet's raw contents the node received, or null after {@code limit}. */
        public byte[] nextContents(Duration limit) throws InterruptedException {
            return contents.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        public void write(NetworkMessage message) throws IOException {
            protocol.write(message);
        }

        public void writeContents(byte[] packetContents) throws IOException {
            protocol.writeContents(packetContents);
        }

        /** Waits (bounded) until the connection ended: the other side closed it, or it failed. */
        public boolean awaitEnd(Duration limit) throws InterruptedException {
            return ended.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}

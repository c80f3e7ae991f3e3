package org.bip324shaper.bench.agent;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * The far ends of the bridge benchmark: loopback "nodes" that do what a node's transport does with each message
 * (v1: parse the frame and verify its checksum; v2: decrypt and authenticate the packet) and answer every
 * {@code ping} with a {@code pong} carrying the same payload. Anything else is consumed and dropped.
 */
final class LoopbackNodes {

    private LoopbackNodes() {
    }

    /** One thread per connection, all daemons; closing the node closes its listener. */
    abstract static class Node implements Closeable {
        private final ServerSocket server;

        Node(String name) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        socket.setTcpNoDelay(true);
                        Thread t = new Thread(() -> {
                            try (socket) {
                                serve(socket);
                            } catch (IOException e) {
                                // the client went away
                            }
                        }, name + "-conn");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, name + "-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        abstract void serve(Socket socket) throws IOException;

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A plain v1 node. */
    static final class V1Node extends Node {
        private final Network network;

        V1Node(Network network) throws IOException {
            super("bench-v1-node");
            this.network = network;
        }

        @Override
        void serve(Socket socket) throws IOException {
            MessageTransport transport = MessageTransport.v1(socket, network);
            try {
                while (true) {
                    NetworkMessage message = transport.read();
                    if (message.command().equals("ping")) {
                        transport.write(NetworkMessage.copyOf("pong", message.payload()));
                    }
                }
            } catch (EOFException e) {
                // the client closed
            }
        }
    }

    /** A BIP-324 node (RESPONDER), without shaping of its own. */
    static final class V2Node extends Node {
        private static final int PING = 18;
        private static final int PONG = 19;
        private final Network network;

        V2Node(Network network) throws IOException {
            super("bench-v2-node");
            this.network = network;
        }

        @Override
        void serve(Socket socket) throws IOException {
            try (ShapedProtocol protocol = ShapedProtocol.over(socket,
                    ShapedProtocol.options(Role.RESPONDER, network).config(TrafficConfig.DEFAULT))) {
                while (true) {
                    byte[] contents = protocol.readContents();
                    if (contents.length > 0 && contents[0] == PING) {
                        byte[] pong = Arrays.copyOf(contents, contents.length);
                        pong[0] = PONG;
                        protocol.writeContents(pong);
                    }
                }
            } catch (EOFException e) {
                // the client closed
            }
        }
    }
}

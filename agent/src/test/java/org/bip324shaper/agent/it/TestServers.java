package org.bip324shaper.agent.it;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Loopback servers for the end-to-end test, run in the test JVM (which has no agent). */
final class TestServers {

    private TestServers() {
    }

    /** Echoes everything until the client half-closes, then closes; remembers each client's port. */
    static final class EchoServer implements Closeable {
        private final ServerSocket server;
        final List<Integer> clientPorts = new CopyOnWriteArrayList<>();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptEach(server, client -> {
                clientPorts.add(client.getPort());
                try (client) {
                    client.getInputStream().transferTo(client.getOutputStream());
                } catch (IOException ignored) {
                    // the client went away
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A SOCKS5 (no auth) proxy that records each CONNECT target's port and relays to it. */
    static final class SocksServer implements Closeable {
        private final ServerSocket server;
        final List<Integer> connectPorts = new CopyOnWriteArrayList<>();

        SocksServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptEach(server, this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket client) {
            try (client) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream();
                if (in.readUnsignedByte() != 5) {
                    return;
                }
                in.skipNBytes(in.readUnsignedByte()); // offered methods
                out.write(new byte[] {5, 0});         // no authentication
                byte[] request = new byte[4];
                in.readFully(request);
                InetAddress host;
                if (request[3] == 1) {
                    host = InetAddress.getByAddress(in.readNBytes(4));
                } else if (request[3] == 4) {
                    host = InetAddress.getByAddress(in.readNBytes(16));
                } else {
                    return; // the test only sends resolved addresses
                }
                int port = in.readUnsignedShort();
                connectPorts.add(port);
                try (Socket upstream = new Socket()) {
                    upstream.connect(new InetSocketAddress(host, port), 5000);
                    out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
                    out.flush();
                    Thread back = daemon(() -> copy(upstream, client));
                    copy(client, upstream);
                    back.join(10_000);
                }
            } catch (IOException e) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void copy(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                in.transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException ignored) {
                // one side closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Hands every accepted client to {@code handler} on a daemon thread of its own, until the server closes. */
    private static void acceptEach(ServerSocket server, Consumer<Socket> handler) {
        daemon(() -> {
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return;
                }
                daemon(() -> handler.accept(client));
            }
        });
    }
}

package org.bip324shaper.it.proxy;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Tor in front of the proxy's upstream: a plain SOCKS5 server (no auth, CONNECT) on loopback that
 * forwards bytes untouched and records each destination as the client wrote it (a name stays a name).
 */
public final class PlainSocksForwarder implements Closeable {
    private final ServerSocket server;
    private final List<String> destinations = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public PlainSocksForwarder() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    sockets.add(client);
                    daemon(() -> serve(client), "forwarder-conn");
                } catch (IOException e) {
                    return;
                }
            }
        }, "forwarder-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<String> destinations() {
        return destinations;
    }

    private void serve(Socket client) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            in.readUnsignedByte();
            in.readFully(new byte[in.readUnsignedByte()]);
            out.write(new byte[] {5, 0});
            in.readFully(new byte[3]);
            int type = in.readUnsignedByte();
            String host;
            if (type == 3) {
                byte[] name = new byte[in.readUnsignedByte()];
                in.readFully(name);
                host = new String(name, StandardCharsets.US_ASCII);
            } else {
                byte[] address = new byte[type == 1 ? 4 : 16];
                in.readFully(address);
                host = InetAddress.getByAddress(address).getHostAddress();
            }
            int port = in.readUnsignedShort();
            destinations.add(host + ":" + port);
            try (Socket peer = new Socket(host, port)) {
                sockets.add(peer);
                out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
                daemon(() -> copy(in, peer), "forwarder-up");
                peer.getInputStream().transferTo(out);
            }
        } catch (IOException ignored) {
            // either side closed
        }
    }

    private static void copy(InputStream in, Socket peer) {
        try {
            in.transferTo(peer.getOutputStream());
            peer.shutdownOutput();
        } catch (IOException ignored) {
            // either side closed
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}

package org.bip324shaper.agent.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Tor: a plain SOCKS5 server (no auth, CONNECT) on loopback that forwards bytes untouched and records
 * what destinations were asked for, as the client wrote them (a host name stays a name). {@link #close()} closes the
 * client and the destination sockets. Used by the agent's tests and, through the agent's test-jar, by it-tests.
 */
public final class PlainSocksForwarder implements java.io.Closeable {
    private final LoopbackServer server;
    private final List<String> destinations = new CopyOnWriteArrayList<>();
    private final List<Socket> destinationSockets = new CopyOnWriteArrayList<>();

    public PlainSocksForwarder() throws IOException {
        this.server = new LoopbackServer(this::serve);
    }

    public int port() {
        return server.port();
    }

    public List<String> destinations() {
        return destinations;
    }

    private void serve(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        in.readUnsignedByte(); // version
        in.readFully(new byte[in.readUnsignedByte()]); // methods
        out.write(new byte[] {5, 0});
        in.readFully(new byte[3]); // version, command, reserved
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
            destinationSockets.add(peer);
            out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            Thread up = new Thread(() -> copy(in, peer), "forwarder-up");
            up.setDaemon(true);
            up.start();
            copyQuietly(peer.getInputStream(), out);
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

    private static void copyQuietly(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // either side closed
        }
    }

    @Override
    public void close() throws IOException {
        try {
            for (Socket peer : destinationSockets) {
                peer.close();
            }
        } finally {
            server.close();
        }
    }
}

package org.bip324shaper.bench.agent;

import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Loopback peers for the churn benchmark, one listener per {@link Fault}: a BIP-324 responder that answers
 * {@code ping} with {@code pong}, and the same responder misbehaving in one way each. Every accepted socket is
 * tracked until it closes, so the benchmark can check that none is left open.
 */
final class FaultyPeers implements Closeable {

    /** What a peer does to the connection. */
    enum Fault {
        /** Answers the ping: the connection works. */
        NONE,
        /** Resets the connection (RST) right after our key arrives, before sending anything: a v1 fallback. */
        RST,
        /** Accepts and never sends a byte: a v1 fallback after the v2 timeout, then the wallet's own timeout. */
        SILENCE,
        /** Answers, but every byte it sends trickles out 2 ms apart (handshake included). */
        SLOW,
        /** Answers the ping with a packet whose authentication tag has one bit flipped. */
        BAD_TAG,
        /** Answers the ping with a packet whose encrypted length has its top bit flipped: 8 MB more. */
        OVERSIZE,
        /** Starts a 1 MB block in answer to the ping and resets the connection halfway through it. */
        VANISH_MID_BLOCK
    }

    private static final int PING = 18;
    private static final int PONG = 19;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final Network network;
    private final ServerSocket[] servers = new ServerSocket[Fault.values().length];
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    FaultyPeers(Network network) throws IOException {
        this.network = network;
        for (Fault fault : Fault.values()) {
            ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            servers[fault.ordinal()] = server;
            Thread acceptor = new Thread(() -> acceptLoop(server, fault), "churn-peer-accept-" + fault);
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    InetSocketAddress address(Fault fault) {
        return (InetSocketAddress) servers[fault.ordinal()].getLocalSocketAddress();
    }

    /** Peer-side sockets not yet closed. */
    int openSockets() {
        return open.size();
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptLoop(ServerSocket server, Fault fault) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(socket);
            Thread worker = new Thread(() -> {
                try (socket) {
                    socket.setTcpNoDelay(true);
                    serve(socket, fault);
                } catch (IOException e) {
                    // the bridge closed the connection, or our own fault ended it
                } finally {
                    open.remove(socket);
                }
            }, "churn-peer-" + THREAD_IDS.incrementAndGet());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket socket, Fault fault) throws IOException {
        switch (fault) {
            case RST -> {
                socket.getInputStream().readNBytes(64);
                socket.setSoLinger(true, 0);
                return;
            }
            case SILENCE -> {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                return;
            }
            default -> {
            }
        }
        FaultyOutput out = new FaultyOutput(socket, fault == Fault.SLOW ? 2 : 0);
        ShapedProtocol protocol;
        try {
            protocol = ShapedProtocol.over(socket.getInputStream(), out, ShapedProtocol.options(Role.RESPONDER,
                    network));
        } catch (IOException e) {
            return; // a v1 redial (after RST or silence) or the bridge giving up
        }
        try (protocol) {
            while (true) {
                byte[] contents = protocol.readContents();
                if (contents.length == 0 || (contents[0] & 0xff) != PING) {
                    continue;
                }
                switch (fault) {
                    case BAD_TAG -> out.tamperNext(packet -> packet[packet.length - 1] ^= 1);
                    case OVERSIZE -> out.tamperNext(packet -> packet[2] ^= (byte) 0x80);
                    case VANISH_MID_BLOCK -> {
                        out.cutNextInHalf();
                        protocol.write(new NetworkMessage("block", new byte[1 << 20]));
                        continue;
                    }
                    default -> {
                    }
                }
                byte[] pong = Arrays.copyOf(contents, contents.length);
                pong[0] = PONG;
                protocol.writeContents(pong);
            }
        } catch (EOFException e) {
            // the bridge closed: the normal end
        }
    }

    /** Changes one write (one packet) in place. */
    private interface Tamper {
        void apply(byte[] packet);
    }

    /** The responder's output: passes packets whole, or trickles them, tampers with one, or cuts one off. */
    private static final class FaultyOutput extends FilterOutputStream {
        private final Socket socket;
        private final long perByteMillis;
        private volatile Tamper tamper;
        private volatile boolean cut;

        FaultyOutput(Socket socket, long perByteMillis) throws IOException {
            super(socket.getOutputStream());
            this.socket = socket;
            this.perByteMillis = perByteMillis;
        }

        void tamperNext(Tamper how) {
            tamper = how;
        }

        void cutNextInHalf() {
            cut = true;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] packet = Arrays.copyOfRange(b, off, off + len);
            Tamper how = tamper;
            tamper = null;
            if (how != null) {
                how.apply(packet);
            }
            if (cut) {
                out.write(packet, 0, len / 2);
                out.flush();
                socket.setSoLinger(true, 0);
                socket.close(); // vanishes: RST in the middle of the block
                throw new EOFException("vanished mid-block");
            }
            if (perByteMillis == 0) {
                out.write(packet);
                out.flush();
                return;
            }
            for (byte one : packet) {
                out.write(one);
                out.flush();
                try {
                    Thread.sleep(perByteMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket server : servers) {
            server.close();
        }
        for (Socket socket : open) {
            socket.close();
        }
    }
}

package org.bip324shaper.agent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The "wallet" of the end-to-end test, run in a child JVM with the agent. Connects to the parent's echo servers
 * in each way a bitcoin wallet does, sends a message, reads the echo, and prints one line per case:
 * {@code CASE name local=PORT remote=HOST:PORT inet=HOST:PORT echo=ok|MISMATCH}.
 *
 * <p>Args: {@code selectedPort otherPort socksPort}.
 */
public final class ConnectProbeMain {

    /**
     * Not a bitcoin network magic: the echo servers are no nodes, so the bridge must relay these bytes as v1,
     * untouched (a known magic would make it attempt BIP-324, which an echo server cannot answer).
     */
    static final byte[] NOT_A_NETWORK_MAGIC = {'E', 'C', 'H', 'O'};

    /** Classes the agent brings, and whether the wallet's class loader can see them ({@code VISIBLE} lines). */
    static final List<String> VISIBILITY_PROBES = List.of(
            "org.bip324shaper.agent.Bip324Agent",
            "org.bip324shaper.agent.intercept.RedirectingConnectHook",
            "org.bip324shaper.core.internal.handshake.Handshake",
            "org.bip324shaper.shaded.net.bytebuddy.jar.asm.ClassReader",
            "org.bip324shaper.shaded.org.bouncycastle.math.ec.ECPoint",
            "org.bip324shaper.agent.bootstrap.ConnectDispatcher");

    private ConnectProbeMain() {
    }

    private static boolean isVisible(String name) {
        try {
            Class.forName(name, false, ClassLoader.getSystemClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetSocketAddress selected = new InetSocketAddress(loopback, Integer.parseInt(args[0]));
        InetSocketAddress other = new InetSocketAddress(loopback, Integer.parseInt(args[1]));
        InetSocketAddress socks = new InetSocketAddress(loopback, Integer.parseInt(args[2]));

        nioNonBlocking("nio-nonblocking", selected);
        nioBlocking("nio-blocking", selected);
        nioAdaptor("nio-adaptor", selected);
        socketConnect("socket-connect", selected, new Socket());
        socketConstructor("socket-constructor", selected);
        socketConnect("socket-socks-proxy", selected, new Socket(new Proxy(Proxy.Type.SOCKS, socks)));
        socketConnect("socket-other-port", other, new Socket());
        nioBlocking("nio-other-port", other);
        for (String name : VISIBILITY_PROBES) {
            System.out.println("VISIBLE " + name + " " + (isVisible(name) ? "yes" : "no"));
        }
        System.out.println("DONE");
    }

    /** bitcoinj's NioClientManager way: non-blocking connect, select OP_CONNECT, finishConnect. */
    private static void nioNonBlocking(String name, InetSocketAddress target) throws IOException {
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(target)) {
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                while (!channel.finishConnect()) {
                    selector.select(1000);
                }
                key.cancel();
                selector.selectNow(); // deregisters, so the channel may go back to blocking mode
            }
            channel.configureBlocking(true);
            exchange(name, channel);
        }
    }

    private static void nioBlocking(String name, InetSocketAddress target) throws IOException {
        try (SocketChannel channel = SocketChannel.open(target)) {
            exchange(name, channel);
        }
    }

    /** The channel's socket adaptor: connects through SocketChannelImpl.blockingConnect. */
    private static void nioAdaptor(String name, InetSocketAddress target) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.socket().connect(target, 5000);
            exchange(name, channel);
        }
    }

    /** bitcoinj's BlockingClient way: socketFactory.createSocket() then connect(address, timeout). */
    private static void socketConnect(String name, InetSocketAddress target, Socket socket) throws IOException {
        try (socket) {
            socket.connect(target, 5000);
            exchange(name, socket);
        }
    }

    private static void socketConstructor(String name, InetSocketAddress target) throws IOException {
        try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
            exchange(name, socket);
        }
    }

    private static void exchange(String name, SocketChannel channel) throws IOException {
        byte[] message = message(name);
        channel.write(ByteBuffer.wrap(message));
        channel.shutdownOutput();
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            echoed.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
        int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        Socket adaptor = channel.socket();
        report(name, local, channel.getRemoteAddress(), adaptor.getInetAddress(), adaptor.getPort(),
                java.util.Arrays.equals(message, echoed.toByteArray()));
    }

    private static void exchange(String name, Socket socket) throws IOException {
        byte[] message = message(name);
        OutputStream out = socket.getOutputStream();
        out.write(message);
        out.flush();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        byte[] echoed = in.readAllBytes();
        report(name, socket.getLocalPort(), socket.getRemoteSocketAddress(), socket.getInetAddress(),
                socket.getPort(), java.util.Arrays.equals(message, echoed));
    }

    private static byte[] message(String name) {
        byte[] text = ("hello from " + name).getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[NOT_A_NETWORK_MAGIC.length + text.length];
        System.arraycopy(NOT_A_NETWORK_MAGIC, 0, message, 0, NOT_A_NETWORK_MAGIC.length);
        System.arraycopy(text, 0, message, NOT_A_NETWORK_MAGIC.length, text.length);
        return message;
    }

    private static void report(String name, int localPort, SocketAddress remote, InetAddress inet, int port,
                               boolean echoOk) {
        System.out.println("CASE " + name + " local=" + localPort + " remote=" + format(remote)
                + " inet=" + inet.getHostAddress() + ":" + port + " echo=" + (echoOk ? "ok" : "MISMATCH"));
    }

    private static String format(SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
}

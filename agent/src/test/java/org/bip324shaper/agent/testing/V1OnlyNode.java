package org.bip324shaper.agent.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.core.Network;

/**
 * A node without BIP-324: speaks v1 (answers version with version and verack, ping with pong) and treats any
 * other opening as Bitcoin Core's v1 transport does, by hanging up ({@link OnForeignInput#DROP}), or by ignoring it
 * until the other side gives up ({@link OnForeignInput#IGNORE}). Frames are handled by the independent
 * {@link V1Frames}. Records the exact bytes each v1 connection received.
 */
public final class V1OnlyNode implements Closeable {

    public static final String USER_AGENT = "/V1OnlyNode:0.1/";
    public static final int START_HEIGHT = 77;

    public enum OnForeignInput { DROP, IGNORE }

    private final Network network;
    private final OnForeignInput onForeignInput;
    private final LoopbackServer server;
    private final AtomicInteger foreignOpenings = new AtomicInteger();
    private final List<ByteArrayOutputStream> v1Streams = new CopyOnWriteArrayList<>();

    public V1OnlyNode(Network network, OnForeignInput onForeignInput) throws IOException {
        this.network = network;
        this.onForeignInput = onForeignInput;
        this.server = new LoopbackServer(this::serve);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public LoopbackServer server() {
        return server;
    }

    /** Connections that did not open with our magic (v2 attempts). */
    public int foreignOpenings() {
        return foreignOpenings.get();
    }

    /** Connections served as v1. */
    public int v1Connections() {
        return v1Streams.size();
    }

    /** Every byte the {@code index}th v1 connection received so far. */
    public byte[] receivedBy(int index) {
        return v1Streams.get(index).toByteArray();
    }

    private void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] magic = in.readNBytes(4);
        if (!Arrays.equals(magic, network.magicBytes())) {
            foreignOpenings.incrementAndGet();
            if (onForeignInput == OnForeignInput.IGNORE) {
                in.transferTo(OutputStream.nullOutputStream()); // until the other side closes
            }
            return; // closing with unread input resets the connection, as a real node's close does
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream(); // its methods are synchronized
        received.writeBytes(magic);
        v1Streams.add(received);
        InputStream recording = new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    received.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    received.write(b, off, n);
                }
                return n;
            }
        };
        InputStream frames = new SequenceInputStream(new ByteArrayInputStream(magic), recording);
        for (byte[] frame; (frame = V1Frames.read(frames)) != null; ) {
            String command = V1Frames.command(frame);
            if (command.equals("version")) {
                out.write(V1Frames.frame(network, "version", versionPayload()));
                out.write(V1Frames.frame(network, "verack", new byte[0]));
            } else if (command.equals("ping")) {
                out.write(V1Frames.frame(network, "pong", V1Frames.payload(frame)));
            }
            out.flush();
        }
    }

    private static byte[] versionPayload() {
        return new VersionMessage(70016, 0, 1_700_000_000L, 42, USER_AGENT, START_HEIGHT, true)
                .encode(new InetSocketAddress("127.0.0.1", 1));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package org.bip324shaper.driver;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficStats;

/**
 * One side of a test connection, whichever driver runs it, with blocking calls so that one test body covers both.
 * The async adapter pipelines: it keeps a few writes and reads in flight, as a real async client would.
 */
interface Endpoint extends AutoCloseable {

    /** Queues or sends a message (in order); {@link #flush()} waits until every message was handed to the socket. */
    void send(NetworkMessage message) throws IOException;

    void flush() throws IOException;

    NetworkMessage receive() throws IOException;

    void sendContents(byte[] contents) throws IOException;

    byte[] receiveContents() throws IOException;

    TrafficStats stats();

    byte[] sessionId();

    @Override
    void close() throws IOException;

    /** Which driver. */
    String kind();

    static Endpoint of(ShapedProtocol p) {
        return new Blocking(p);
    }

    static Endpoint of(AsyncShapedProtocol p) {
        return new Async(p);
    }

    /** Unwraps the exception a future failed with, as the blocking driver would have thrown it. */
    static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c);
        }
    }

    /** The blocking driver, its messages through the {@link MessageTransport} that applications use. */
    final class Blocking implements Endpoint {
        final ShapedProtocol p;
        private final MessageTransport transport;

        Blocking(ShapedProtocol p) {
            this.p = p;
            this.transport = MessageTransport.v2(p);
        }

        @Override
        public void send(NetworkMessage message) throws IOException {
            transport.write(message);
        }

        @Override
        public void flush() {
            // write() returns once the bytes are in the socket
        }

        @Override
        public NetworkMessage receive() throws IOException {
            return transport.read();
        }

        @Override
        public void sendContents(byte[] contents) throws IOException {
            p.writeContents(contents);
        }

        @Override
        public byte[] receiveContents() throws IOException {
            return p.readContents();
        }

        @Override
        public TrafficStats stats() {
            return p.stats();
        }

        @Override
        public byte[] sessionId() {
            return p.sessionId();
        }

        @Override
        public void close() throws IOException {
            transport.close();
        }

        @Override
        public String kind() {
            return "blocking";
        }
    }

    final class Async implements Endpoint {
        private static final int WINDOW = 4;
        final AsyncShapedProtocol p;
        private final ArrayDeque<CompletableFuture<Void>> writes = new ArrayDeque<>();
        private final ArrayDeque<CompletableFuture<NetworkMessage>> reads = new ArrayDeque<>();

        Async(AsyncShapedProtocol p) {
            this.p = p;
        }

        @Override
        public synchronized void send(NetworkMessage message) throws IOException {
            while (writes.size() >= WINDOW) {
                await(writes.poll());
            }
            writes.add(p.write(message));
        }

        @Override
        public synchronized void flush() throws IOException {
            while (!writes.isEmpty()) {
                await(writes.poll());
            }
        }

        /** Keeps {@value #WINDOW} reads queued, so the driver serves several pending reads in order. */
        @Override
        public NetworkMessage receive() throws IOException {
            CompletableFuture<NetworkMessage> next;
            synchronized (reads) {
                while (reads.size() < WINDOW) {
                    reads.add(p.read());
                }
                next = reads.poll();
            }
            return await(next);
        }

        @Override
        public void sendContents(byte[] contents) throws IOException {
            flush();
            await(p.writeContents(contents));
        }

        @Override
        public byte[] receiveContents() throws IOException {
            return await(p.readContents());
        }

        @Override
        public TrafficStats stats() {
            return p.stats();
        }

        @Override
        public byte[] sessionId() {
            return p.sessionId();
        }

        @Override
        public void close() {
            p.close();
        }

        @Override
        public String kind() {
            return "async";
        }
    }
}

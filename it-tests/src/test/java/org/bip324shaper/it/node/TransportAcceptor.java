package org.bip324shaper.it.node;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Decides an inbound connection's transport the way Bitcoin Core does with {@code -v2transport=1}: run the
 * BIP-324 handshake as responder, and if the peer's first bytes are a v1 {@code version} header, serve v1 from
 * those bytes on. With v2 disabled it is v1 only, so a v2 initiator's key reads as a bad magic and is dropped.
 */
final class TransportAcceptor {
    private final Network network;
    private final boolean acceptV2;
    private final Duration handshakeTimeout;

    TransportAcceptor(Network network, boolean acceptV2, Duration handshakeTimeout) {
        this.network = network;
        this.acceptV2 = acceptV2;
        this.handshakeTimeout = handshakeTimeout;
    }

    MessageTransport accept(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        if (!acceptV2) {
            return MessageTransport.v1(socket, network);
        }
        // The handshake may read past the 16 bytes it needs to recognise v1; every byte read is kept so that
        // a v1 peer's stream can be decoded from its very first byte.
        RecordingInput recorded = new RecordingInput(socket.getInputStream());
        OutputStream out = new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                this.out.write(b, off, len);
            }

            @Override
            public void close() {
                // the channel closes the socket
            }
        };
        int oldTimeout = socket.getSoTimeout();
        socket.setSoTimeout((int) handshakeTimeout.toMillis());
        try {
            ShapedProtocol protocol = ShapedProtocol.over(recorded, out,
                    ShapedProtocol.options(Role.RESPONDER, network));
            recorded.stopRecording();
            socket.setSoTimeout(oldTimeout);
            return MessageTransport.v2(protocol, socket);
        } catch (V1PeerException e) {
            socket.setSoTimeout(oldTimeout);
            return MessageTransport.v1(socket, network, recorded.recorded());
        }
    }

    /**
     * Keeps a copy of what it reads until told to stop; never closes the socket's stream. v1 is recognised within
     * the first 16 bytes, i.e. the first reads, so the copy is capped: a peer cannot make it grow.
     */
    private static final class RecordingInput extends FilterInputStream {
        private static final int MAX_COPY = 256 * 1024;
        private ByteArrayOutputStream copy = new ByteArrayOutputStream();

        RecordingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && copy != null) {
                copy.write(b);
                capCopy();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && copy != null) {
                copy.write(b, off, n);
                capCopy();
            }
            return n;
        }

        private void capCopy() {
            if (copy.size() > MAX_COPY) {
                copy = null;
            }
        }

        byte[] recorded() throws IOException {
            if (copy == null) {
                throw new IOException("v1 detected after more than " + MAX_COPY + " bytes; cannot replay them");
            }
            return copy.toByteArray();
        }

        void stopRecording() {
            copy = null;
        }

        @Override
        public void close() {
            // the channel closes the socket
        }
    }
}

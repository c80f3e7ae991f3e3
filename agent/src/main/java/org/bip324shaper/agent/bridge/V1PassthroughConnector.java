package org.bip324shaper.agent.bridge;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Relays the wallet's bytes unchanged: the plain v1 transport, used until the BIP-324 upstream is plugged in. */
public final class V1PassthroughConnector implements UpstreamConnector {

    @Override
    public UpstreamSession open(UpstreamRequest request, PeerDialer dialer) throws IOException {
        Socket socket = dialer.dial(request.peer());
        try {
            socket.setTcpNoDelay(true); // the bridge forwards whatever chunk arrives; Nagle would only add delay
            return new Session(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static final class Session implements UpstreamSession {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new FilterOutputStream(socket.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len); // FilterOutputStream would write byte by byte
                }

                @Override
                public void close() throws IOException {
                    if (!socket.isClosed() && !socket.isOutputShutdown()) {
                        socket.shutdownOutput(); // pass the wallet's half-close on, as TCP would
                    }
                }
            };
        }

        @Override
        public String transport() {
            return "v1";
        }

        @Override
        public OutputStream toPeer() {
            return out;
        }

        @Override
        public InputStream fromPeer() {
            return in;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

package org.bip324shaper.agent.bridge;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Objects;
import java.util.Optional;

/**
 * Relays the wallet's bytes unchanged: the plain v1 transport, for peers without BIP-324 and for streams the v2
 * transport cannot carry.
 */
public final class V1PassthroughConnector implements UpstreamConnector {

    private final Optional<String> note;

    public V1PassthroughConnector() {
        this.note = Optional.empty();
    }

    private V1PassthroughConnector(String note) {
        this.note = Optional.of(Objects.requireNonNull(note, "note"));
    }

    /** A passthrough whose sessions say on their open log line why they are v1, e.g. a fallback. */
    public static V1PassthroughConnector because(String note) {
        return new V1PassthroughConnector(note);
    }

    @Override
    public UpstreamSession open(UpstreamRequest request, PeerDialer dialer) throws IOException {
        Socket socket = dialer.dial(request.peer());
        try {
            socket.setTcpNoDelay(true); // the bridge forwards whatever chunk arrives; Nagle would only add delay
            return new Session(socket, note);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static final class Session implements UpstreamSession {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final Optional<String> note;

        Session(Socket socket, Optional<String> note) throws IOException {
            this.socket = socket;
            this.note = note;
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
        public Optional<String> note() {
            return note;
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

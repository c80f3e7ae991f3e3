package org.bip324shaper.agent.bridge;

import java.io.IOException;
import java.net.Socket;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.driver.MessageTransport;

/**
 * The plain v1 transport, for peers without BIP-324: the wallet's messages go out as the very frames it wrote
 * (a frame read from the wallet is written back from its own buffer). A stream without a known network magic
 * cannot be framed and is relayed byte for byte.
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
            socket.setTcpNoDelay(true); // the bridge writes whole frames; Nagle would only add delay
            if (request.network().isEmpty()) {
                return new RawSession(socket, note);
            }
            return new Session(socket, MessageTransport.v1(socket, request.network().get()), note);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private record Session(Socket socket, MessageTransport messages, Optional<String> note)
            implements UpstreamSession {
        @Override
        public String transport() {
            return "v1";
        }

        @Override
        public void walletFinished() throws IOException {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        }

        @Override
        public void close() throws IOException {
            messages.close();
        }
    }

    private record RawSession(Socket socket, Optional<String> note) implements UpstreamSession {
        @Override
        public String transport() {
            return "v1";
        }

        @Override
        public MessageTransport messages() {
            throw new UnsupportedOperationException("a stream without a known network magic has no messages");
        }

        @Override
        public Optional<Socket> rawPeer() {
            return Optional.of(socket);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

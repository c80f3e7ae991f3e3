package org.bip324shaper.agent.factory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.driver.MessageTransport;

/**
 * An upstream session's messages as the plain v1 byte streams a {@link java.net.Socket} user reads and writes:
 * what the user writes is cut into frames (checksum verified, length capped before any memory is reserved) and each
 * frame is sent as one message; each message read is handed out as the exact frame a v1 peer would have sent.
 */
final class V1FrameStreams {

    private V1FrameStreams() {
    }

    /** The user's bytes to the peer; closing it means the user sends no more ({@link UpstreamSession#walletFinished}). */
    static OutputStream toPeer(UpstreamSession session) {
        return new ToPeer(session);
    }

    /** The peer's messages as v1 frames; end of stream once the peer or this side closed. */
    static InputStream fromPeer(UpstreamSession session) {
        return new FromPeer(session.messages());
    }

    private static final class ToPeer extends OutputStream {
        private final UpstreamSession session;
        private final MessageTransport messages;
        private final V1FrameDecoder decoder;

        ToPeer(UpstreamSession session) {
            this.session = session;
            this.messages = session.messages();
            this.decoder = new V1FrameDecoder(messages.network());
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                NetworkMessage message = decoder.decode(src);
                if (message == null) {
                    return; // the rest of this frame comes with a later write
                }
                messages.write(message);
            }
        }

        @Override
        public void close() throws IOException {
            session.walletFinished();
        }
    }

    private static final class FromPeer extends InputStream {
        private static final byte[] NOTHING = new byte[0];

        private final MessageTransport messages;
        private final V1FrameEncoder encoder;
        private byte[] frame = NOTHING;
        private int position;

        FromPeer(MessageTransport messages) {
            this.messages = messages;
            this.encoder = new V1FrameEncoder(messages.network());
        }

        @Override
        public int read() throws IOException {
            return fill() ? frame[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, frame.length - position);
            System.arraycopy(frame, position, b, off, n);
            position += n;
            return n;
        }

        /** Makes sure a frame has bytes left; false at the end of the peer's stream. */
        private boolean fill() throws IOException {
            while (position == frame.length) {
                try {
                    frame = encoder.encode(messages.read());
                } catch (EOFException e) {
                    return false; // the peer closed, or the session was closed from this side
                }
                position = 0;
            }
            return true;
        }
    }
}

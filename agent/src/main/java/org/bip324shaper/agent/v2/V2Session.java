package org.bip324shaper.agent.v2;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Delivery;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameDecoder;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * A bridged connection over an established BIP-324 session: translates the wallet's v1 frames into v2 packets
 * and the peer's v2 packets back into v1 frames, message by message and byte for byte. A v1 frame's checksum is
 * verified and dropped, its command goes into the one-byte ID where BIP-324 has one; the way back recomputes the
 * same checksum, so the wallet reads exactly the frame a v1 peer would have sent. Padding, decoys and write
 * boundaries are the {@link ShapedProtocol}'s.
 */
final class V2Session implements UpstreamSession {

    private final ShapedProtocol protocol;
    private final String sessionIdHex;
    private final WalletToPeer toPeer;
    private final PeerToWallet fromPeer;

    private final TraceRecorder recorder;

    V2Session(ShapedProtocol protocol, Network network, TraceRecorder recorder) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        // taken now: closing the protocol zeroes the id with the keys, and the close log line comes after that
        this.sessionIdHex = protocol.sessionIdHex();
        this.toPeer = new WalletToPeer(protocol, new V1FrameDecoder(network));
        this.fromPeer = new PeerToWallet(protocol, new V1FrameEncoder(network));
    }

    @Override
    public String transport() {
        return "v2";
    }

    @Override
    public Optional<String> sessionId() {
        return Optional.of(sessionIdHex);
    }

    @Override
    public Optional<TrafficStats.Snapshot> wireStats() {
        return Optional.of(protocol.stats().snapshot());
    }

    @Override
    public Delivery undelivered() {
        return protocol.undelivered();
    }

    @Override
    public OutputStream toPeer() {
        return toPeer;
    }

    @Override
    public InputStream fromPeer() {
        return fromPeer;
    }

    @Override
    public void close() throws IOException {
        try {
            protocol.close();
        } finally {
            recorder.close(); // writes the trace file, if one is recorded
        }
    }

    /**
     * The wallet's v1 byte stream in, v2 packets out: each frame, once complete and its checksum verified, is
     * sent as one genuine packet. The decoder caps the announced payload length before reserving memory.
     */
    private static final class WalletToPeer extends OutputStream {
        private final ShapedProtocol protocol;
        private final V1FrameDecoder decoder;

        WalletToPeer(ShapedProtocol protocol, V1FrameDecoder decoder) {
            this.protocol = protocol;
            this.decoder = decoder;
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
                protocol.writeContents(V2MessageCodec.encode(message));
            }
        }

        /**
         * BIP-324 has no half-close: the wallet's end of stream ends the v2 connection, gracefully, so that every
         * message the wallet wrote, including what the shaper still holds, reaches the peer first.
         */
        @Override
        public void close() throws IOException {
            protocol.close();
        }
    }

    /** The peer's v2 packets in, v1 frames out, one whole frame at a time. */
    private static final class PeerToWallet extends InputStream {
        private static final byte[] NOTHING = new byte[0];

        private final ShapedProtocol protocol;
        private final V1FrameEncoder encoder;
        private byte[] frame = NOTHING;
        private int position;

        PeerToWallet(ShapedProtocol protocol, V1FrameEncoder encoder) {
            this.protocol = protocol;
            this.encoder = encoder;
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
                byte[] contents;
                try {
                    contents = protocol.readContents();
                } catch (EOFException e) {
                    return false; // the peer closed, or the session was closed from the other side
                } catch (HandshakeStateException e) {
                    if (protocol.isClosed()) {
                        return false; // closed from the other side between the read and the decryption
                    }
                    throw e;
                }
                // A message type this version has no ID for, or an invalid one, is dropped and counted, as Bitcoin
                // Core does: v1 cannot carry it.
                if (V2MessageCodec.decode(contents) instanceof V2Decoded.Message m) {
                    frame = encoder.encode(m.message());
                    position = 0;
                } else {
                    protocol.stats().recordDroppedMessage();
                }
            }
            return true;
        }
    }
}

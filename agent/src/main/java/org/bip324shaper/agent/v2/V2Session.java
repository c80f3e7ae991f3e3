package org.bip324shaper.agent.v2;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.agent.bridge.UpstreamSession;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.driver.MessageTransport;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * A bridged connection over an established BIP-324 session. The bridge writes the wallet's messages as read from
 * its v1 frames (checksum verified); each goes out as one genuine packet, its v1 header rewritten in place into the
 * BIP-324 message type (the one-byte ID where there is one), and each packet from the peer reaches the wallet as the
 * exact v1 frame a v1 peer would have sent (core's {@link MessageTransport}). Padding, decoys and write boundaries
 * are the {@link ShapedProtocol}'s.
 */
final class V2Session implements UpstreamSession {

    private final ShapedProtocol protocol;
    private final MessageTransport messages;
    private final TraceRecorder recorder;

    V2Session(ShapedProtocol protocol, TraceRecorder recorder) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.messages = MessageTransport.v2(protocol);
    }

    @Override
    public String transport() {
        return "v2";
    }

    @Override
    public Optional<String> sessionId() {
        return messages.sessionIdHex();
    }

    @Override
    public Optional<TrafficStats.Snapshot> wireStats() {
        return Optional.of(protocol.stats().snapshot());
    }

    @Override
    public MessageTransport messages() {
        return messages;
    }

    @Override
    public void close() throws IOException {
        try {
            messages.close(); // BIP-324 has no half-close: the wallet's end of stream ends the v2 connection
        } finally {
            recorder.close(); // writes the trace file, if one is recorded
        }
    }

    @Override
    public void abort() throws IOException {
        try {
            messages.abort();
        } finally {
            recorder.close();
        }
    }
}

package org.bip324shaper.bench.shape.trace;

import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;

/**
 * One TCP connection read from a capture, seen from one of its ends ({@link PcapImporter.Perspective}): that end's
 * segments are {@code OUTBOUND}. The trace holds writes only (a capture has no ground truth; see
 * {@link UndefendedV2Labeller}).
 *
 * @param trace                 the writes, time 0 at the connection's first captured packet
 * @param perspective           whose writes are OUTBOUND
 * @param connector             the end that opened the connection, {@code address:port}
 * @param listener              the end that accepted it
 * @param listenerRule          how the listener was told apart
 * @param sawSyn                whether the capture holds the connection's SYN (so its handshake is in the trace)
 * @param segments              TCP segments with new payload (one write each)
 * @param retransmissions       segments dropped because all of their payload had been seen before
 * @param originNanos           the capture's timestamp (epoch nanoseconds) of the trace's time 0: the first packet
 * @param firstFinNanos         trace time of the first FIN or RST either end sent, or -1 if the capture has none
 */
public record CapturedConnection(ConnectionTrace trace, PcapImporter.Perspective perspective, String connector,
                                 String listener, ListenerRule listenerRule, boolean sawSyn, int segments, int retransmissions,
                                 long originNanos, long firstFinNanos) {

    /** Which direction of the trace the connector (BIP-324 initiator) wrote. */
    public Direction initiatorDirection() {
        return perspective == PcapImporter.Perspective.CONNECTOR ? Direction.OUTBOUND
                : Direction.INBOUND;
    }

    /** How the importer decided which end listened. */
    public enum ListenerRule {
        /** The capture holds the SYN: its receiver listened. */
        SYN,
        /** No SYN; one end uses a known bitcoin port (8333, 18333, 48333, 38333, 18444). */
        BITCOIN_PORT,
        /** No SYN and no known port: the lower port is taken as the listener's (a guess). */
        LOWER_PORT
    }
}

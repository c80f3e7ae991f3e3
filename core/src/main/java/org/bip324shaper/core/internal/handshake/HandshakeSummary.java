package org.bip324shaper.core.internal.handshake;

/**
 * What the handshake put on and took off the wire besides keys, for traffic statistics. Sizes of decoys are
 * wire bytes (contents + 20).
 */
public record HandshakeSummary(
        int sentGarbageBytes,
        int sentDecoyPackets,
        long sentDecoyWireBytes,
        int receivedGarbageBytes,
        int receivedDecoyPackets,
        long receivedDecoyWireBytes) {
}

package org.bip324shaper.core.shaping;

import java.util.List;

/**
 * The per-connection, mutable half of a {@link PaddingStrategy} or {@link DecoyStrategy}. A {@link TrafficShaper}
 * owns two sessions (padding first, then decoys) and calls them under its lock, so implementations need no
 * synchronisation of their own and may keep any state they like.
 *
 * <p>Roles: the padding session owns the genuine packets. On {@link #onGenuine} it either releases the packet now
 * ({@link Flush.Builder#genuine()}) or holds it and schedules a tick ({@link #nextDeadlineNanos()}) on which it
 * releases it; a session that holds a packet with no tick scheduled is a bug the shaper reports. The decoy session
 * only observes genuine packets and adds decoys; it cannot release genuine packets.
 *
 * <p>Both may put decoys before, between or after genuine packets of the same write; items are written in the order
 * appended, the padding session's first.
 */
public interface ShapingSession {

    /** This strategy's part of the handshake shape; called once, before any other event. */
    default HandshakeShape handshake() {
        return HandshakeShape.NONE;
    }

    /**
     * The application submitted a genuine packet of {@code contentsLength} bytes; the driver queued it (FIFO) and
     * will write what {@code out} holds afterwards, in one write.
     */
    void onGenuine(int contentsLength, long nowNanos, Flush.Builder out);

    /**
     * The driver must send every held genuine packet now (a graceful close, or the version handshake, which must not
     * wait for a tick): release them all into {@code out}, padded as this strategy pads. Called on the padding
     * session only, and only while packets are held. Must not move the tick schedule. The default releases them
     * unpadded.
     */
    default void onRelease(long nowNanos, Flush.Builder out) {
        while (out.heldGenuine() > 0) {
            out.genuine();
        }
    }

    /** {@link #nextDeadlineNanos()} has passed ({@code nowNanos >= deadline}); append what is due to {@code out}. */
    default void onTick(long nowNanos, Flush.Builder out) {
    }

    /**
     * Absolute time (same clock as {@code nowNanos}) at which this session wants {@link #onTick}, or
     * {@link Long#MAX_VALUE} for none. Must move past {@code nowNanos} once the tick has run, or the driver spins.
     */
    default long nextDeadlineNanos() {
        return Long.MAX_VALUE;
    }

    /** The driver read {@code wireBytes} bytes from the peer (for strategies that react to inbound bursts). */
    default void onInbound(int wireBytes, long nowNanos) {
    }

    /**
     * Called on the decoy session only: the padding session just handed the driver writes of {@code writeLengths}
     * wire bytes (its part of one flush, in order, as cut), carrying {@code genuinePackets} genuine packets. This is
     * the shaped traffic an observer sees, which a strategy imitating this connection's own bursts must copy; the
     * raw lengths in {@link #onGenuine} are not what goes on the wire. Writes made only of the decoy session's own
     * decoys are not reported.
     */
    default void onOutbound(List<Integer> writeLengths, int genuinePackets, long nowNanos) {
    }
}

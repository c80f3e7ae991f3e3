package org.bip324shaper.agent.events;

import java.util.Objects;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.shaping.TrafficStats;

/** The connection log lines, formatted from the events: one at open, one at close, a warning per failure. */
public final class ConnectionLogLines implements ConnectionEvents {

    private final AgentLog log;

    public ConnectionLogLines(AgentLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void opened(ConnectionOpened e) {
        log.info(prefix(e.id()) + "open peer=" + LogFormat.address(e.peer())
                + " network=" + e.network().map(Network::id).orElse("unknown")
                + " transport=" + e.transport()
                + " session=" + e.sessionId().orElse("-")
                + e.note().map(note -> " (" + note + ")").orElse(""));
    }

    @Override
    public void fellBack(ConnectionFallback e) {
        if (!e.remember().isZero()) { // the downgrade itself is logged at WARN where it happens
            log.debug(prefix(e.id()) + LogFormat.address(e.peer()) + " remembered as v1-only for "
                    + e.remember().toMinutes() + " min (" + e.reason() + ")");
        }
    }

    /** What the client handed over and never reached the peer is on it too, at WARN: it should always be 0. */
    @Override
    public void closed(ConnectionClosed e) {
        String line = prefix(e.id()) + "close peer=" + LogFormat.address(e.peer())
                + " wallet->peer=" + e.clientToPeer() + " peer->wallet=" + e.peerToClient() + " bytes"
                + e.wire().map(ConnectionLogLines::describeWire).orElse("")
                + "; undelivered=" + e.undelivered()
                + e.note().map(note -> "; " + note).orElse("");
        if (e.undelivered().isNone()) {
            log.info(line);
        } else {
            log.warn(line);
        }
    }

    @Override
    public void failed(ConnectionFailure e) {
        switch (e.stage()) {
            case UPSTREAM:
                log.warn(prefix(e.id()) + "could not open the upstream to " + LogFormat.address(e.peer()) + ": "
                        + e.detail());
                break;
            case CLIENT_DATA:
                log.warn(prefix(e.id()) + "bad data from the wallet, closing both sides: " + e.detail());
                break;
            case PEER_DATA:
                log.warn(prefix(e.id()) + "bad data from the peer " + LogFormat.address(e.peer()) + " " + e.detail());
                break;
            default:
                log.warn(prefix(e.id()) + "failed: " + e.detail());
        }
    }

    /** The v2 wire bytes each way by kind: what the shaping cost, never what was said. */
    public static String describeWire(TrafficStats.Snapshot stats) {
        return "; v2 wire sent genuine=" + stats.written().genuineBytes() + " decoy=" + stats.written().decoyBytes()
                + " handshake=" + (stats.written().handshakeBytes() + stats.written().garbageBytes())
                + " received genuine=" + stats.read().genuineBytes() + " decoy=" + stats.read().decoyBytes()
                + " handshake=" + (stats.read().handshakeBytes() + stats.read().garbageBytes())
                + " dropped=" + stats.droppedMessages();
    }

    private static String prefix(long id) {
        return "#" + id + " ";
    }
}

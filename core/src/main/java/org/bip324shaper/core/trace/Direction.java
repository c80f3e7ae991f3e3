package org.bip324shaper.core.trace;

/** Which way bytes or messages went, seen from the side that recorded the trace. */
public enum Direction {
    /** From the recording side to its peer. */
    OUTBOUND,
    /** From the peer to the recording side. */
    INBOUND;

    public Direction opposite() {
        return this == OUTBOUND ? INBOUND : OUTBOUND;
    }

    /** The short form used in trace files: {@code out} or {@code in}. */
    public String code() {
        return this == OUTBOUND ? "out" : "in";
    }
}

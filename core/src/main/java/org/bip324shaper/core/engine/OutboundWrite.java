package org.bip324shaper.core.engine;

import java.util.Objects;

/**
 * One write the driver must make in ONE call, in order, from {@link ShapedEngine#pollOutbound()}.
 *
 * @param bytes     the wire bytes (not copied; the driver owns them)
 * @param delivered the ledger position this write completes: once it and every write before it reached the wire,
 *                  every genuine message up to that position is on the wire. A write that carries only decoys, or
 *                  only a piece of a packet, repeats the previous position.
 */
public record OutboundWrite(byte[] bytes, Delivery delivered) {
    public OutboundWrite {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(delivered, "delivered");
    }
}

package org.bip324shaper.core.engine;

/**
 * When a message handed to {@link ShapedEngine#send(org.bip324shaper.core.message.NetworkMessage, Release)} may go
 * on the wire.
 */
public enum Release {
    /** When the shaper chooses: a queueing strategy (a ticker) may hold it for its next tick. */
    SHAPED,

    /**
     * At once, together with everything the shaper holds, padded as the shaper pads a release; the tick schedule is
     * unchanged. For a message whose delay costs more than its timing reveals: a request that answers bulk data the
     * peer is sending anyway (a block download), where each tick's wait would add up round after round.
     */
    NOW
}

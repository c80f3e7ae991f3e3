package org.bip324shaper.driver;

import java.io.IOException;

/**
 * A write was refused because too many bytes already wait for the channel: the peer reads more slowly than the
 * application writes. Nothing of the refused message was queued, so the connection stays usable; wait for earlier
 * writes to complete before writing again.
 */
public final class WriteBacklogException extends IOException {
    private final long backlogBytes;
    private final long limitBytes;

    public WriteBacklogException(long backlogBytes, long limitBytes) {
        super("write refused: " + backlogBytes + " bytes are still waiting for the channel (limit " + limitBytes
                + "); the peer is not reading fast enough");
        this.backlogBytes = backlogBytes;
        this.limitBytes = limitBytes;
    }

    /** Bytes accepted earlier and not yet handed to the channel. */
    public long backlogBytes() {
        return backlogBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}

package org.bip324shaper.agent.v2;

import java.io.IOException;
import java.util.Objects;

/**
 * A v2 connection failed to open: names the step, how many bytes the peer had sent (never what they were) and the
 * most likely cause. The message reads
 * {@code v2 connection failed at the <step> step (<what arrived>): <likely cause> [<underlying error>]}.
 */
public final class V2HandshakeException extends IOException {
    private final HandshakeStep step;
    private final long bytesReceived;
    private final String likelyCause;

    public V2HandshakeException(HandshakeStep step, long bytesReceived, String received, String likelyCause,
                                Throwable cause) {
        super("v2 connection failed at the " + step.id() + " step (" + received + "): " + likelyCause
                + (cause == null ? "" : " [" + describe(cause) + "]"), cause);
        this.step = Objects.requireNonNull(step, "step");
        this.bytesReceived = bytesReceived;
        this.likelyCause = Objects.requireNonNull(likelyCause, "likelyCause");
    }

    public HandshakeStep step() {
        return step;
    }

    /** Bytes the peer had sent when the step failed. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The most likely cause, in words. */
    public String likelyCause() {
        return likelyCause;
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

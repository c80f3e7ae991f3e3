package org.bip324shaper.core.engine;

/**
 * What a failed or ended connection suggests about the peer ({@link ShapedEngine#v1Suggestion()}), as the
 * RetryV1/Abort rule rust-bitcoin/bip324 keeps in its protocol layer and Bitcoin Core's {@code ShouldReconnectV1}.
 */
public enum V1Suggestion {
    /** The peer behaved as a node without v2 does: a plaintext v1 redial is worth trying. */
    RETRY_V1,
    /** The peer spoke (or we never got our key out): the failure is real, no v1 fallback. */
    ABORT
}

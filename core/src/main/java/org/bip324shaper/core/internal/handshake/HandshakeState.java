package org.bip324shaper.core.internal.handshake;

/** Where a {@link Handshake} stands. Terminal states are {@link #COMPLETE} and {@link #FAILED}. */
public enum HandshakeState {
    /** Responder only: the first bytes may still turn out to be a v1 {@code version} message. */
    AWAITING_V1_CHECK,
    /** Waiting for the peer's 64-byte ElligatorSwift public key. */
    AWAITING_KEY,
    /** The peer's key is in; the delegated ECDH and key derivation have not been handed back yet. */
    AWAITING_KEY_EXCHANGE,
    /** Keys are known; scanning the peer's garbage for its 16-byte terminator. */
    AWAITING_GARBAGE_TERMINATOR,
    /** Terminator found; reading decoy packets until the peer's version packet. */
    AWAITING_VERSION,
    /** The version packet arrived: the session can be taken with {@link Handshake#finish()}. */
    COMPLETE,
    /** An exception ended the handshake; the connection must be closed. */
    FAILED
}

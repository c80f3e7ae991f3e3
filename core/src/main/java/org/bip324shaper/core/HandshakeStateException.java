package org.bip324shaper.core;

/** An operation was called in a state that does not allow it (e.g. sending before the handshake completed). */
public final class HandshakeStateException extends IllegalStateException {
    public HandshakeStateException(String message) {
        super(message);
    }
}

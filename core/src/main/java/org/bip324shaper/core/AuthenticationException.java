package org.bip324shaper.core;

/** A packet's Poly1305 tag did not verify: the bytes were altered, truncated or come from another session. */
public final class AuthenticationException extends Bip324Exception {
    public AuthenticationException(String message) {
        super(message);
    }
}

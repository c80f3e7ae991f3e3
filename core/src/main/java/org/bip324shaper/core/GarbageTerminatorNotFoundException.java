package org.bip324shaper.core;

/** The peer sent more than 4095 bytes of garbage without the expected garbage terminator. */
public final class GarbageTerminatorNotFoundException extends Bip324Exception {
    public GarbageTerminatorNotFoundException(String message) {
        super(message);
    }
}

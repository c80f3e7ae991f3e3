package org.bip324shaper.core;

/** A length announced by the peer exceeds the configured cap; it is rejected before anything is allocated. */
public final class OversizeException extends Bip324Exception {
    private final long announced;
    private final long limit;

    public OversizeException(String what, long announced, long limit) {
        super(what + " of " + announced + " bytes exceeds the limit of " + limit + " bytes");
        this.announced = announced;
        this.limit = limit;
    }

    public long announced() {
        return announced;
    }

    public long limit() {
        return limit;
    }
}

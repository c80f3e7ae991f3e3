package org.bip324shaper.core;

/** The peer speaks for another bitcoin network than ours (seen from the magic of a v1 message). */
public final class WrongNetworkException extends Bip324Exception {
    private final Network expected;
    private final Network actual;

    public WrongNetworkException(Network expected, Network actual) {
        super("peer is on " + actual.id() + ", expected " + expected.id());
        this.expected = expected;
        this.actual = actual;
    }

    public Network expected() {
        return expected;
    }

    public Network actual() {
        return actual;
    }
}

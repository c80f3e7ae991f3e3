package org.bip324shaper.agent.v2;

/**
 * The steps of opening a v2 connection, in order, as error messages name them. The handshake's own state stays
 * inside the engine; {@link HandshakeDiagnosis} infers the step from what arrived, and says so where the bytes
 * cannot tell two steps apart.
 */
public enum HandshakeStep {
    /** The TCP connection to the peer. */
    CONNECT("connect"),
    /** The peer's 64-byte ElligatorSwift public key. */
    KEY("key"),
    /** The peer's garbage (up to 4095 bytes) and the 16-byte terminator that ends it. */
    GARBAGE("garbage"),
    /** The peer's version packet (and decoys before it), the first packets under the session keys. */
    VERSION_PACKET("version packet"),
    /**
     * After the key, when the bytes cannot tell whether the terminator was found: only the engine knows where it
     * is, and it does not say before the handshake completes.
     */
    GARBAGE_OR_VERSION_PACKET("garbage or version packet"),
    /** The probe's version/verack exchange over the established session. */
    VERSION_MESSAGE("version message"),
    /** The bridged session after the handshake. */
    SESSION("session");

    private final String id;

    HandshakeStep(String id) {
        this.id = id;
    }

    /** How messages name the step, e.g. {@code version packet}. */
    public String id() {
        return id;
    }
}

/**
 * BIP-324 v2 transport with traffic shaping: the sans-I/O {@link org.bip324shaper.core.engine.ShapedEngine}, its
 * drivers, the shaping SPI, messages and traces. Crypto primitives, packets and the handshake state machine are
 * internal: only the typed keys and the AEAD choice of {@code org.bip324shaper.core.crypto} are public.
 */
module org.bip324shaper.core {
    requires org.bouncycastle.provider;

    exports org.bip324shaper.core;
    exports org.bip324shaper.core.crypto;
    exports org.bip324shaper.core.engine;
    exports org.bip324shaper.core.message;
    exports org.bip324shaper.core.shaping;
    exports org.bip324shaper.core.trace;
    exports org.bip324shaper.driver;
}

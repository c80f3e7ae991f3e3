package org.bip324shaper.it.node;

/** How a connection's bytes travel: BIP-324 encrypted packets or plain v1 frames. */
public enum Transport {
    V1,
    V2;

    /** The spelling Bitcoin Core's {@code getpeerinfo} and the agent's log lines use. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Transport of(org.bip324shaper.driver.MessageTransport.Kind kind) {
        return valueOf(kind.name());
    }
}

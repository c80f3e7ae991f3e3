package org.bip324shaper.core;

/** Which side of a BIP-324 connection we are: the initiator opened the TCP connection. */
public enum Role {
    INITIATOR,
    RESPONDER;

    public boolean isInitiator() {
        return this == INITIATOR;
    }
}

package org.bip324shaper.agent.config;

/** Whether the v2 transport sends decoy packets to hide traffic timing; used once the BIP-324 upstream is wired in. */
public enum DecoyMode {
    /** Decoy packets at random moments (the default). */
    RANDOM,
    /** No decoys. */
    OFF;
}

package org.bip324shaper.agent.config;

/** Whether the v2 transport sends decoy packets to hide traffic timing ({@code shaping=} overrides it). */
public enum DecoyMode {
    /** Decoy packets at random moments (the default). */
    RANDOM,
    /** No decoys. */
    OFF;
}

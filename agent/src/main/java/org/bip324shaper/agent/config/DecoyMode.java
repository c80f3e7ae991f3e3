package org.bip324shaper.agent.config;

import org.bip324shaper.core.shaping.DecoyStrategy;

/** Whether the v2 transport sends decoy packets to hide traffic timing ({@code shaping=} overrides it). */
public enum DecoyMode {
    /** Decoy packets at random moments (the default). */
    RANDOM,
    /** No decoys. */
    OFF;

    /** Reads the option as core's {@link DecoyStrategy#parse} does (the one random/off parser); null if invalid. */
    static DecoyMode parse(String text) {
        try {
            return DecoyStrategy.parse(text) == DecoyStrategy.DISABLED ? OFF : RANDOM;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package org.bip324shaper.agent.config;

import org.bip324shaper.core.shaping.PaddingStrategy;

/** Whether the v2 transport pads packets to hide message sizes ({@code shaping=} overrides it). */
public enum PaddingMode {
    /** Random padding lengths (the default). */
    RANDOM,
    /** No padding: smallest bandwidth, message sizes visible to an observer. */
    OFF;

    /** Reads the option as core's {@link PaddingStrategy#parse} does (the one random/off parser); null if invalid. */
    static PaddingMode parse(String text) {
        try {
            return PaddingStrategy.parse(text) == PaddingStrategy.DISABLED ? OFF : RANDOM;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package org.bip324shaper.agent.config;

/** Whether the v2 transport pads packets to hide message sizes ({@code shaping=} overrides it). */
public enum PaddingMode {
    /** Random padding lengths (the default). */
    RANDOM,
    /** No padding: smallest bandwidth, message sizes visible to an observer. */
    OFF;
}

/**
 * Sans-I/O traffic-shape hiding: decides, from events and an injected clock, what goes on the wire (handshake
 * garbage, decoy packets, padding) and when. It deals only in sizes, counts and time; a driver owns the socket, the
 * cipher and the threads, and obeys {@link org.bip324shaper.core.shaping.TrafficShaper}.
 *
 * <p>Strategies are open: {@link org.bip324shaper.core.shaping.PaddingStrategy} and
 * {@link org.bip324shaper.core.shaping.DecoyStrategy} are interfaces whose per-connection
 * {@link org.bip324shaper.core.shaping.ShapingSession}s may hold genuine packets, put decoys before them, cut a flush
 * into several writes and schedule their own ticks, so new strategies need no change in the drivers.
 *
 * <p>Beyond the reference's RANDOM: {@link org.bip324shaper.core.shaping.BucketedPadding} (writes padded to
 * {@link org.bip324shaper.core.shaping.Padme} buckets, optionally with a
 * {@link org.bip324shaper.core.shaping.BurstEnvelope} for large ones),
 * {@link org.bip324shaper.core.shaping.TickerPadding} (small messages in fixed-size writes on random ticks),
 * {@link org.bip324shaper.core.shaping.MimicDecoys} (pseudo-bursts copying learned block episodes) and
 * {@link org.bip324shaper.core.shaping.HandshakeCover}; {@link org.bip324shaper.core.shaping.ShapingStrategies}
 * reads them from one string and {@link org.bip324shaper.core.shaping.ShapingPreset} names useful combinations.
 */
package org.bip324shaper.core.shaping;

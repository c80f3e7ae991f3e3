/**
 * Sans-I/O traffic-shape hiding: decides, from events and an injected clock, what goes on the wire (handshake
 * garbage, decoy packets, padding) and when. It deals only in sizes, counts and time; a driver owns the socket, the
 * cipher and the threads, and obeys {@link org.bip324shaper.core.shaping.TrafficShaper}.
 *
 * <p>Strategies are open: {@link org.bip324shaper.core.shaping.PaddingStrategy} and
 * {@link org.bip324shaper.core.shaping.DecoyStrategy} are interfaces whose per-connection
 * {@link org.bip324shaper.core.shaping.ShapingSession}s may hold genuine packets, put decoys before them and schedule
 * their own ticks, so new strategies need no change in the drivers.
 */
package org.bip324shaper.core.shaping;

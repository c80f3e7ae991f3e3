package org.bip324shaper.core.shaping;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.ProtocolLimits;

/**
 * How the handshake is disguised: garbage after the public key, uniform in {@code minGarbage..maxGarbage}, and
 * {@code minDecoys..maxDecoys} decoys of {@code minDecoyLength..maxDecoyLength} contents bytes before the version
 * packet. Attach it to any padding strategy with {@link #around(PaddingStrategy)}.
 *
 * <p>Without garbage the first flight is exactly 64 bytes, while Bitcoin Core sends 64 plus 0..4095 uniformly
 * random bytes: {@link #CORE_LIKE} copies Core, so the first flight says nothing. The write after the key
 * (garbage terminator and version packet, 36 bytes) is the same for every Core peer; decoys before the version
 * packet change its size, which hides it from a size match but also sets us apart from Core, which sends none.
 *
 * <p>Budget, once per connection: {@code (minGarbage + maxGarbage) / 2} bytes of garbage and on average
 * {@code (minDecoys + maxDecoys) / 2} decoys of {@code 20 + (minDecoyLength + maxDecoyLength) / 2} bytes; at most
 * {@code maxGarbage + maxDecoys x (20 + maxDecoyLength)}. {@link #CORE_LIKE}: 2 KB on average, 4 KB at most.
 * {@link #LIGHT}: about 2.1 KB on average, at most 4.3 KB.
 *
 * @param minGarbage     smallest garbage length, 0..maxGarbage
 * @param maxGarbage     largest garbage length, at most {@value ShapingLimits#MAX_GARBAGE_LENGTH}
 * @param minDecoys      fewest decoys before the version packet, 0..maxDecoys
 * @param maxDecoys      most decoys before the version packet, at most {@value RandomDecoys#MAX_HANDSHAKE_DECOYS}
 * @param minDecoyLength smallest decoy contents length
 * @param maxDecoyLength largest decoy contents length, at most {@value #MAX_DECOY_LENGTH}
 */
public record HandshakeCover(int minGarbage, int maxGarbage, int minDecoys, int maxDecoys, int minDecoyLength,
                             int maxDecoyLength) {

    /** Handshake decoys are paid before any message flows; keep them small. */
    public static final int MAX_DECOY_LENGTH = 4096;

    /** Garbage like Bitcoin Core's (uniform 0..4095), no decoys. */
    public static final HandshakeCover CORE_LIKE = new HandshakeCover(0, ProtocolLimits.MAX_GARBAGE_LENGTH, 0, 0, 0, 0);

    /** Core-like garbage plus 0..2 decoys of 1..64 contents bytes before the version packet. */
    public static final HandshakeCover LIGHT = new HandshakeCover(0, ProtocolLimits.MAX_GARBAGE_LENGTH, 0, 2, 1, 64);

    public HandshakeCover {
        if (minGarbage < 0 || maxGarbage > ProtocolLimits.MAX_GARBAGE_LENGTH || minGarbage > maxGarbage) {
            throw new IllegalArgumentException("handshake garbage must be a range within 0.."
                    + ProtocolLimits.MAX_GARBAGE_LENGTH + " (BIP-324), was " + minGarbage + ".." + maxGarbage);
        }
        if (minDecoys < 0 || maxDecoys > RandomDecoys.MAX_HANDSHAKE_DECOYS || minDecoys > maxDecoys) {
            throw new IllegalArgumentException("handshake decoys must be a range within 0.."
                    + RandomDecoys.MAX_HANDSHAKE_DECOYS + ", was " + minDecoys + ".." + maxDecoys);
        }
        if (minDecoyLength < 0 || maxDecoyLength > MAX_DECOY_LENGTH || minDecoyLength > maxDecoyLength) {
            throw new IllegalArgumentException("handshake decoy length must be a range within 0.."
                    + MAX_DECOY_LENGTH + ", was " + minDecoyLength + ".." + maxDecoyLength);
        }
    }

    /** Draws one connection's handshake shape. */
    public HandshakeShape draw(RandomGenerator random) {
        int garbage = random.nextInt(minGarbage, maxGarbage + 1);
        int count = random.nextInt(minDecoys, maxDecoys + 1);
        List<Integer> decoys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            decoys.add(random.nextInt(minDecoyLength, maxDecoyLength + 1));
        }
        return new HandshakeShape(garbage, decoys);
    }

    /** Expected handshake overhead in wire bytes (garbage plus decoys). */
    public double expectedBytes() {
        double decoy = ProtocolLimits.PACKET_OVERHEAD + (minDecoyLength + maxDecoyLength) / 2.0;
        return (minGarbage + maxGarbage) / 2.0 + (minDecoys + maxDecoys) / 2.0 * decoy;
    }

    /** Largest handshake overhead in wire bytes. */
    public long maxBytes() {
        return maxGarbage + (long) maxDecoys * (ProtocolLimits.PACKET_OVERHEAD + maxDecoyLength);
    }

    /** {@code padding}, with this cover instead of its own handshake shape. */
    public PaddingStrategy around(PaddingStrategy padding) {
        return new Covered(padding, this);
    }

    /** {@code handshake:garbage=0..4095,decoys=0..2,decoy-length=1..64}. */
    @Override
    public String toString() {
        return "handshake:garbage=" + minGarbage + ".." + maxGarbage + ",decoys=" + minDecoys + ".." + maxDecoys
                + ",decoy-length=" + minDecoyLength + ".." + maxDecoyLength;
    }

    /**
     * A padding strategy whose handshake shape comes from a {@link HandshakeCover}; everything else is the inner
     * strategy's.
     *
     * @param padding the strategy for everything after the handshake
     * @param cover   the handshake shape
     */
    public record Covered(PaddingStrategy padding, HandshakeCover cover) implements PaddingStrategy {
        public Covered {
            Objects.requireNonNull(padding, "padding");
            Objects.requireNonNull(cover, "cover");
        }

        @Override
        public ShapingSession newSession(RandomGenerator random, long nowNanos) {
            Objects.requireNonNull(random, "random");
            ShapingSession inner = Objects.requireNonNull(padding.newSession(random, nowNanos), "padding session");
            return new ShapingSession() {
                @Override
                public HandshakeShape handshake() {
                    return cover.draw(random);
                }

                @Override
                public void onGenuine(int contentsLength, long now, Flush.Builder out) {
                    inner.onGenuine(contentsLength, now, out);
                }

                @Override
                public void onTick(long now, Flush.Builder out) {
                    inner.onTick(now, out);
                }

                @Override
                public void onRelease(long now, Flush.Builder out) {
                    inner.onRelease(now, out);
                }

                @Override
                public long nextDeadlineNanos() {
                    return inner.nextDeadlineNanos();
                }

                @Override
                public void onInbound(int wireBytes, long now) {
                    inner.onInbound(wireBytes, now);
                }

                @Override
                public void onOutbound(List<Integer> writeLengths, int genuinePackets, long now) {
                    inner.onOutbound(writeLengths, genuinePackets, now);
                }
            };
        }

        /** The configuration string {@link ShapingStrategies#parse} reads back. */
        @Override
        public String toString() {
            return padding + "+" + cover;
        }
    }
}

package org.bip324shaper.core.shaping;

import java.util.Objects;

/**
 * Which traffic shaping a connection uses. Immutable and shareable; {@link #DEFAULT} shapes nothing.
 *
 * <pre>{@code
 * TrafficConfig config = TrafficConfig.builder()
 *         .padding(PaddingStrategy.RANDOM)
 *         .decoys(DecoyStrategy.parse("random"))
 *         .build();
 * }</pre>
 *
 * @param padding how genuine packets and the handshake garbage are padded
 * @param decoys  background decoys, on their own schedule
 */
public record TrafficConfig(PaddingStrategy padding, DecoyStrategy decoys) {

    /** No padding, no garbage, no decoys. */
    public static final TrafficConfig DEFAULT = new TrafficConfig(PaddingStrategy.DISABLED, DecoyStrategy.DISABLED);

    public TrafficConfig {
        Objects.requireNonNull(padding, "padding strategy");
        Objects.requireNonNull(decoys, "decoy strategy");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().padding(padding).decoys(decoys);
    }

    /** Builds a {@link TrafficConfig}; every strategy starts {@code DISABLED}. */
    public static final class Builder {
        private PaddingStrategy padding = PaddingStrategy.DISABLED;
        private DecoyStrategy decoys = DecoyStrategy.DISABLED;

        private Builder() {
        }

        public Builder padding(PaddingStrategy padding) {
            this.padding = Objects.requireNonNull(padding, "padding strategy");
            return this;
        }

        public Builder decoys(DecoyStrategy decoys) {
            this.decoys = Objects.requireNonNull(decoys, "decoy strategy");
            return this;
        }

        public TrafficConfig build() {
            return new TrafficConfig(padding, decoys);
        }
    }
}

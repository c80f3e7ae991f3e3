package org.bip324shaper.core.shaping;

import java.util.ArrayList;
import java.util.List;

/**
 * What the driver puts in ONE write, in order: encrypt every item, concatenate, write once. Keeping a genuine packet
 * and its padding in one write means no segment on the wire has the genuine packet's size.
 *
 * @param items the packets in wire order
 */
public record Flush(List<WireItem> items) {

    /** Nothing to write. */
    public static final Flush EMPTY = new Flush(List.of());

    public Flush {
        items = List.copyOf(items);
    }

    public static Flush of(WireItem... items) {
        return new Flush(List.of(items));
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** How many genuine packets this write releases from the driver's FIFO. */
    public int genuineCount() {
        int n = 0;
        for (WireItem item : items) {
            if (item instanceof WireItem.Genuine) {
                n++;
            }
        }
        return n;
    }

    public int decoyCount() {
        return items.size() - genuineCount();
    }

    /** Sum of the decoys' contents lengths (add {@link ShapingLimits#PACKET_OVERHEAD} per decoy for wire bytes). */
    public long decoyBytes() {
        long bytes = 0;
        for (WireItem item : items) {
            if (item instanceof WireItem.Decoy decoy) {
                bytes += decoy.contentsLength();
            }
        }
        return bytes;
    }

    /**
     * Collects one write's items for {@link ShapingSession}s. It refuses to release more genuine packets than the
     * driver holds, and refuses genuine packets from a session that does not own them (decoy strategies), so a
     * faulty strategy fails loudly instead of desynchronising the driver's FIFO.
     */
    public static final class Builder {
        private final List<WireItem> items = new ArrayList<>();
        private int held;
        private boolean genuineAllowed;

        Builder(int held) {
            this.held = held;
        }

        /** Appends the next held genuine packet. */
        public Builder genuine() {
            if (!genuineAllowed) {
                throw new IllegalStateException("only the padding strategy releases genuine packets");
            }
            if (held == 0) {
                throw new IllegalStateException("no genuine packet is held: the driver's queue is empty");
            }
            held--;
            items.add(WireItem.GENUINE);
            return this;
        }

        /** Appends a decoy with {@code contentsLength} bytes of contents. */
        public Builder decoy(int contentsLength) {
            items.add(new WireItem.Decoy(contentsLength));
            return this;
        }

        /** Genuine packets the driver holds that this write has not released yet. */
        public int heldGenuine() {
            return held;
        }

        public boolean isEmpty() {
            return items.isEmpty();
        }

        void allowGenuine(boolean allowed) {
            this.genuineAllowed = allowed;
        }

        Flush build() {
            return items.isEmpty() ? EMPTY : new Flush(items);
        }

        @Override
        public String toString() {
            return "Flush.Builder" + items + ", held=" + held;
        }
    }
}

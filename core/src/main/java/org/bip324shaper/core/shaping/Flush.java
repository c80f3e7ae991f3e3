package org.bip324shaper.core.shaping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.bip324shaper.core.ProtocolLimits;

/**
 * What the driver writes now, in order: encrypt every item, concatenate, and write the bytes in ONE write, or, if
 * {@link #cuts()} is not empty, in one write per piece between cuts, back to back. Keeping a genuine packet and its
 * padding in one write means no segment on the wire has the genuine packet's size; cuts let a strategy choose the
 * write sizes an observer sees independently of packet boundaries (a cut may fall inside a packet).
 *
 * <p>Cuts are optional for drivers: one that ignores them writes everything in one write, which is still correct,
 * only shaped less finely. Strategies that existed before cuts ({@code DISABLED}, {@code RANDOM}) never cut.
 *
 * @param items the packets in wire order
 * @param cuts  byte offsets from the start of the flush's wire bytes at which a write ends and the next begins;
 *              strictly increasing and positive (and, as the {@link Builder} checks, below the flush's size)
 */
public record Flush(List<WireItem> items, List<Integer> cuts) {

    /** Nothing to write. */
    public static final Flush EMPTY = new Flush(List.of());

    public Flush {
        items = List.copyOf(items);
        cuts = List.copyOf(cuts);
        int previous = 0;
        for (int cut : cuts) {
            if (cut <= previous) {
                throw new IllegalArgumentException("cuts must be positive and strictly increasing, got " + cuts);
            }
            previous = cut;
        }
        if (items.isEmpty() && !cuts.isEmpty()) {
            throw new IllegalArgumentException("an empty flush has no cuts");
        }
    }

    /** One write of {@code items}. */
    public Flush(List<WireItem> items) {
        this(items, List.of());
    }

    /** One write of {@code items}. */
    public static Flush of(WireItem... items) {
        return new Flush(List.of(items));
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** How many genuine packets this flush releases from the driver's FIFO. */
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

    /** Number of writes this flush asks for: 0 when empty, else one more than the cuts. */
    public int writeCount() {
        return items.isEmpty() ? 0 : cuts.size() + 1;
    }

    /**
     * The size of each write, given the flush's total wire size (which only the driver knows for sure: it holds the
     * genuine packets).
     *
     * @throws IllegalArgumentException if a cut is not below {@code totalWireBytes}: the driver's packets and the
     *                                  shaper's idea of them disagree
     */
    public List<Integer> writeLengths(int totalWireBytes) {
        if (items.isEmpty()) {
            return List.of();
        }
        List<Integer> lengths = new ArrayList<>(cuts.size() + 1);
        int start = 0;
        for (int cut : cuts) {
            if (cut >= totalWireBytes) {
                throw new IllegalArgumentException("cut at byte " + cut + " is not inside a flush of "
                        + totalWireBytes + " bytes");
            }
            lengths.add(cut - start);
            start = cut;
        }
        lengths.add(totalWireBytes - start);
        return lengths;
    }

    /**
     * Collects one flush's items for {@link ShapingSession}s. It refuses to release more genuine packets than the
     * driver holds, and refuses genuine packets from a session that does not own them (decoy strategies), so a
     * faulty strategy fails loudly instead of desynchronising the driver's FIFO. It knows the held packets' lengths,
     * so sessions can ask how many wire bytes the flush has so far and cut it into writes.
     */
    public static final class Builder {
        private final List<WireItem> items = new ArrayList<>();
        private final List<Integer> cuts = new ArrayList<>();
        private final Iterator<Integer> heldLengths;
        private int held;
        private long heldWire;
        private long wireBytes;
        private boolean genuineAllowed;

        /**
         * @param heldContentsLengths contents lengths of the packets the driver holds, oldest first (not copied:
         *                            the builder only reads it, and only while the shaper's lock is held)
         * @param heldWireBytes       their total wire size
         */
        Builder(Iterable<Integer> heldContentsLengths, int held, long heldWireBytes) {
            this.heldLengths = heldContentsLengths.iterator();
            this.held = held;
            this.heldWire = heldWireBytes;
        }

        /** Appends the next held genuine packet. */
        public Builder genuine() {
            if (!genuineAllowed) {
                throw new IllegalStateException("only the padding strategy releases genuine packets");
            }
            if (held == 0) {
                throw new IllegalStateException("no genuine packet is held: the driver's queue is empty");
            }
            long wire = (long) heldLengths.next() + ProtocolLimits.PACKET_OVERHEAD;
            held--;
            heldWire -= wire;
            wireBytes += wire;
            items.add(WireItem.GENUINE);
            return this;
        }

        /** Appends a decoy with {@code contentsLength} bytes of contents. */
        public Builder decoy(int contentsLength) {
            WireItem.Decoy decoy = new WireItem.Decoy(contentsLength);
            items.add(decoy);
            wireBytes += decoy.wireLength();
            return this;
        }

        /**
         * Ends the current write here: what is appended next goes into a new write. Does nothing on an empty flush
         * or right after another cut; a cut at the very end of the flush is dropped.
         */
        public Builder endWrite() {
            if (wireBytes > 0 && (cuts.isEmpty() || cuts.get(cuts.size() - 1) != wireBytes)) {
                cuts.add(checkedOffset(wireBytes));
            }
            return this;
        }

        /**
         * Cuts the flush into two writes {@code offset} wire bytes from its start, even inside a packet. The offset
         * must end up below the flush's final size (checked when the flush is built); repeated offsets count once.
         */
        public Builder cutAt(long offset) {
            if (offset <= 0) {
                throw new IllegalArgumentException("a cut must be after the first byte, was at " + offset);
            }
            cuts.add(checkedOffset(offset));
            return this;
        }

        /** Genuine packets the driver holds that this flush has not released yet. */
        public int heldGenuine() {
            return held;
        }

        /** Wire bytes of the genuine packets the driver holds that this flush has not released yet. */
        public long heldWireBytes() {
            return heldWire;
        }

        /** Wire bytes of the items appended so far: the offset at which the next item starts. */
        public long wireBytes() {
            return wireBytes;
        }

        public boolean isEmpty() {
            return items.isEmpty();
        }

        void allowGenuine(boolean allowed) {
            this.genuineAllowed = allowed;
        }

        /** Sizes of the writes made of the first {@code end} wire bytes, cut where the cuts so far say. */
        List<Integer> writeLengthsUpTo(long end) {
            if (cuts.isEmpty()) { // the common case: no garbage per flush beyond this
                return end > 0 ? List.of((int) end) : List.of();
            }
            List<Integer> sorted = new ArrayList<>(cuts);
            Collections.sort(sorted);
            List<Integer> lengths = new ArrayList<>();
            long start = 0;
            for (int cut : sorted) {
                if (cut > start && cut < end) {
                    lengths.add((int) (cut - start));
                    start = cut;
                }
            }
            if (end > start) {
                lengths.add((int) (end - start));
            }
            return lengths;
        }

        Flush build() {
            if (items.isEmpty()) {
                return EMPTY;
            }
            List<Integer> sorted = new ArrayList<>(cuts);
            Collections.sort(sorted);
            List<Integer> distinct = new ArrayList<>(sorted.size());
            for (int cut : sorted) {
                if (cut > wireBytes) {
                    throw new IllegalStateException("cut at byte " + cut + " is beyond the flush's " + wireBytes
                            + " bytes");
                }
                if (cut < wireBytes && (distinct.isEmpty() || distinct.get(distinct.size() - 1) != cut)) {
                    distinct.add(cut);
                }
            }
            return new Flush(items, distinct);
        }

        private static int checkedOffset(long offset) {
            if (offset > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("cannot cut a flush beyond 2 GiB, offset " + offset);
            }
            return (int) offset;
        }

        @Override
        public String toString() {
            return "Flush.Builder" + items + ", cuts=" + cuts + ", held=" + held;
        }
    }
}

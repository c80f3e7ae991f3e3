package org.bip324shaper.bench.shape.attack;

import java.util.List;

/**
 * The writes of one direction of one trace, each with the messages it carried.
 *
 * @param writes            every write of that direction, in time order
 * @param unalignedMessages messages of that direction that no write could have carried under the labeler's rule
 */
public record Alignment(List<LabeledWrite> writes, int unalignedMessages) {
    public Alignment {
        writes = List.copyOf(writes);
        if (unalignedMessages < 0) {
            throw new IllegalArgumentException("unaligned count is negative: " + unalignedMessages);
        }
    }
}

package org.bip324shaper.agent.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How many transactions a {@code merkleblock} matched: Bitcoin Core sends each of them as a {@code tx} right after
 * it, and bitcoinj takes them as the block's only until some other message comes. Read from the partial merkle tree
 * (BIP 37) the way Core builds and checks it: depth first, one flag bit per node visited, a hash for each node not
 * descended into, and a leaf whose bit is set is a match.
 */
final class MerkleBlockMatches {
    private static final int HEADER_LENGTH = 80;
    private static final int HASH_LENGTH = 32;
    /** Core's bound: MAX_BLOCK_WEIGHT over MIN_TRANSACTION_WEIGHT (a transaction of 60 bytes at least). */
    static final long MAX_TRANSACTIONS = 4_000_000 / (4 * 60);

    private final ByteBuffer flags;
    private final long total;
    private long hashesLeft;
    private long bitsUsed;
    private int matched;

    private MerkleBlockMatches(ByteBuffer flags, long total, long hashes) {
        this.flags = flags;
        this.total = total;
        this.hashesLeft = hashes;
    }

    /** The matched count, or -1 if {@code payload} is no well-formed merkleblock (the wallet judges it, not this). */
    static int count(ByteBuffer payload) {
        ByteBuffer p = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (p.remaining() < HEADER_LENGTH + 4) {
            return -1;
        }
        p.position(p.position() + HEADER_LENGTH);
        long total = p.getInt() & 0xffffffffL;
        long hashes = RefreshSlots.readCompactSize(p);
        if (total == 0 || total > MAX_TRANSACTIONS || hashes < 1 || hashes > total
                || p.remaining() < hashes * HASH_LENGTH) {
            return -1;
        }
        p.position(p.position() + (int) (hashes * HASH_LENGTH));
        long flagBytes = RefreshSlots.readCompactSize(p);
        if (flagBytes < 0 || flagBytes != p.remaining()) {
            return -1;
        }
        MerkleBlockMatches tree = new MerkleBlockMatches(p.slice(), total, hashes);
        int height = 0;
        while (tree.width(height) > 1) {
            height++;
        }
        boolean whole = tree.traverse(height, 0) && tree.hashesLeft == 0 && (tree.bitsUsed + 7) / 8 == flagBytes;
        return whole ? tree.matched : -1; // as Core: every hash used, no flag byte left over
    }

    /** Nodes at {@code height} (leaves at 0). */
    private long width(int height) {
        return (total + (1L << height) - 1) >> height;
    }

    /** False when the flags or hashes run out: not a tree Core would send. */
    private boolean traverse(int height, long position) {
        if (bitsUsed >= 8L * flags.remaining()) {
            return false;
        }
        boolean descend = (flags.get((int) (bitsUsed / 8)) >> (bitsUsed % 8) & 1) != 0;
        bitsUsed++;
        if (height == 0 || !descend) {
            if (hashesLeft == 0) {
                return false;
            }
            hashesLeft--;
            if (height == 0 && descend) {
                matched++;
            }
            return true;
        }
        if (!traverse(height - 1, position * 2)) {
            return false;
        }
        return position * 2 + 1 >= width(height - 1) || traverse(height - 1, position * 2 + 1);
    }
}

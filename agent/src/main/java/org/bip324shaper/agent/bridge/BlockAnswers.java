package org.bip324shaper.agent.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bip324shaper.core.message.NetworkMessage;

/**
 * Whether the peer still owes the wallet blocks it asked for, or the transactions of the last {@code merkleblock}.
 * A message the agent writes to the wallet itself (a local pong) must wait until it does not: bitcoinj takes the
 * pong after a block {@code getdata} as the end of the blocks, and ends a merkleblock's transactions at the next
 * other message, so a pong that came early dropped a block's transactions (a wallet missed its coinbase). Bitcoin
 * Core answers a {@code getdata} in full before it reads the next message, so its own pong comes after them.
 *
 * <p>Owed blocks: each block item of the wallet's {@code getdata}, less each {@code block} or {@code merkleblock}
 * and each block item of a {@code notfound} from the peer. Owed transactions: the last merkleblock's matches
 * ({@link MerkleBlockMatches}), less each {@code tx} after it; any other message ends them, as it does in bitcoinj.
 * Core sends nothing for a block it does not have, so what is owed is forgotten once the peer has answered none
 * of it for {@code patienceNanos}.
 *
 * <p>Not thread-safe: the link guards it.
 */
final class BlockAnswers {
    private static final int HASH_LENGTH = 32;
    private static final int MSG_WITNESS_FLAG = 1 << 30;
    private static final int MSG_BLOCK = 2;
    private static final int MSG_FILTERED_BLOCK = 3;
    /** Core's {@code MAX_INV_SZ}: a larger getdata or notfound is not counted. */
    private static final int MAX_ITEMS = 50_000;

    private final long patienceNanos;
    private long blocksOwed;
    private long transactionsOwed;
    private long lastProgressNanos;

    BlockAnswers(long patienceNanos) {
        this.patienceNanos = patienceNanos;
    }

    /** The wallet's message {@code m}, before it goes to the peer. */
    void fromWallet(NetworkMessage m, long nowNanos) {
        if (m.command().equals("getdata")) {
            long blocks = blockItems(m);
            if (blocks > 0) {
                if (isSettled(nowNanos)) {
                    lastProgressNanos = nowNanos;
                }
                blocksOwed += blocks;
            }
        }
    }

    /** The peer's message {@code m}, in the order the peer sent it (whether or not a wallet is attached). */
    void fromPeer(NetworkMessage m, long nowNanos) {
        switch (m.command()) {
            case "tx" -> {
                if (transactionsOwed > 0) {
                    transactionsOwed--;
                    lastProgressNanos = nowNanos;
                }
            }
            case "merkleblock" -> {
                blockArrived(nowNanos);
                transactionsOwed = Math.max(0, MerkleBlockMatches.count(m.payload()));
            }
            case "block" -> {
                blockArrived(nowNanos);
                transactionsOwed = 0;
            }
            case "notfound" -> {
                blocksOwed = Math.max(0, blocksOwed - blockItems(m));
                transactionsOwed = 0;
                lastProgressNanos = nowNanos;
            }
            default -> transactionsOwed = 0;
        }
    }

    /** Whether nothing is owed (or what is owed was given up on): a local message may go now. */
    boolean isSettled(long nowNanos) {
        if (blocksOwed == 0 && transactionsOwed == 0) {
            return true;
        }
        if (nowNanos - lastProgressNanos >= patienceNanos) {
            blocksOwed = 0;
            transactionsOwed = 0;
            return true;
        }
        return false;
    }

    /** When {@link #isSettled} turns true at the latest, if nothing more arrives. */
    long giveUpAtNanos() {
        return lastProgressNanos + patienceNanos;
    }

    long blocksOwed() {
        return blocksOwed;
    }

    long transactionsOwed() {
        return transactionsOwed;
    }

    private void blockArrived(long nowNanos) {
        if (blocksOwed > 0) {
            blocksOwed--;
        }
        lastProgressNanos = nowNanos;
    }

    private static long blockItems(NetworkMessage m) {
        ByteBuffer p = m.payload().order(ByteOrder.LITTLE_ENDIAN);
        long count = RefreshSlots.readCompactSize(p);
        if (count < 0 || count > MAX_ITEMS || p.remaining() != count * (4 + HASH_LENGTH)) {
            return 0;
        }
        long blocks = 0;
        for (long i = 0; i < count; i++) {
            int type = p.getInt() & ~MSG_WITNESS_FLAG;
            p.position(p.position() + HASH_LENGTH);
            if (type == MSG_BLOCK || type == MSG_FILTERED_BLOCK) {
                blocks++;
            }
        }
        return blocks;
    }
}

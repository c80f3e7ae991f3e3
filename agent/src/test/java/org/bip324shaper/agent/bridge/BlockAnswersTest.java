package org.bip324shaper.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bip324shaper.core.message.NetworkMessage;
import org.junit.jupiter.api.Test;

class BlockAnswersTest {
    private static final long PATIENCE = 1_000;
    static final int MSG_TX = 1;
    static final int MSG_BLOCK = 2;
    static final int MSG_FILTERED_BLOCK = 3;
    static final int WITNESS = 1 << 30;

    /** A {@code command} inventory message (getdata, notfound) of one item per type in {@code types}. */
    static NetworkMessage inventory(String command, int... types) {
        ByteBuffer p = ByteBuffer.allocate(1 + types.length * 36).order(ByteOrder.LITTLE_ENDIAN);
        p.put((byte) types.length);
        for (int type : types) {
            p.putInt(type).put(new byte[32]);
        }
        return new NetworkMessage(command, p.array());
    }

    private static NetworkMessage message(String command) {
        return new NetworkMessage(command, new byte[0]);
    }

    @Test
    void blockItemsAreOwedUntilTheirBlocksAndTransactionsCame() {
        BlockAnswers answers = new BlockAnswers(PATIENCE);
        assertTrue(answers.isSettled(0));
        answers.fromWallet(inventory("getdata", MSG_FILTERED_BLOCK, MSG_TX, MSG_BLOCK | WITNESS, MSG_FILTERED_BLOCK),
                0);
        assertEquals(3, answers.blocksOwed(), "transactions asked for are not blocks");
        answers.fromPeer(MerkleBlockMatchesTest.matching(5, 0, 3), 1);
        assertEquals(2, answers.blocksOwed());
        assertEquals(2, answers.transactionsOwed());
        answers.fromPeer(message("tx"), 2);
        assertEquals(1, answers.transactionsOwed());
        answers.fromPeer(message("block"), 3);
        assertEquals(0, answers.transactionsOwed(),
                "another message ends the merkleblock's transactions, as in bitcoinj");
        answers.fromPeer(MerkleBlockMatchesTest.matching(3, 2), 4);
        assertFalse(answers.isSettled(5), "its transaction is still owed");
        answers.fromPeer(message("tx"), 6);
        assertTrue(answers.isSettled(7));
        answers.fromPeer(message("tx"), 8);
        assertEquals(0, answers.transactionsOwed(), "a loose transaction owes nothing");
    }

    @Test
    void notfoundPaysOffTheBlocksItNames() {
        BlockAnswers answers = new BlockAnswers(PATIENCE);
        answers.fromWallet(inventory("getdata", MSG_FILTERED_BLOCK, MSG_FILTERED_BLOCK), 0);
        answers.fromPeer(inventory("notfound", MSG_FILTERED_BLOCK, MSG_TX), 1);
        assertEquals(1, answers.blocksOwed());
        answers.fromPeer(inventory("notfound", MSG_FILTERED_BLOCK, MSG_FILTERED_BLOCK), 2);
        assertEquals(0, answers.blocksOwed(), "never below nothing");
        assertTrue(answers.isSettled(3));
    }

    @Test
    void whatThePeerLeavesUnansweredForThePatienceIsGivenUp() {
        BlockAnswers answers = new BlockAnswers(PATIENCE);
        answers.fromWallet(inventory("getdata", MSG_FILTERED_BLOCK, MSG_FILTERED_BLOCK), 100);
        assertEquals(100 + PATIENCE, answers.giveUpAtNanos());
        answers.fromPeer(MerkleBlockMatchesTest.matching(1), 600); // progress: patience counts from here
        assertFalse(answers.isSettled(100 + PATIENCE));
        assertEquals(600 + PATIENCE, answers.giveUpAtNanos());
        assertTrue(answers.isSettled(600 + PATIENCE));
        assertEquals(0, answers.blocksOwed(), "given up on");
        answers.fromWallet(inventory("getdata", MSG_FILTERED_BLOCK), 5_000);
        assertFalse(answers.isSettled(5_000 + PATIENCE - 1), "a new request after a quiet spell gets its patience");
    }

    @Test
    void aMalformedRequestOrMerkleblockOwesNothing() {
        BlockAnswers answers = new BlockAnswers(PATIENCE);
        answers.fromWallet(new NetworkMessage("getdata", new byte[] {2, 3, 0, 0, 0}), 0);
        assertEquals(0, answers.blocksOwed());
        answers.fromPeer(new NetworkMessage("merkleblock", new byte[90]), 1);
        assertEquals(0, answers.transactionsOwed());
        assertTrue(answers.isSettled(2));
    }
}

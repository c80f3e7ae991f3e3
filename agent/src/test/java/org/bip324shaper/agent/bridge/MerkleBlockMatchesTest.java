package org.bip324shaper.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.message.NetworkMessage;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.PartialMerkleTree;
import org.junit.jupiter.api.Test;

/** The matched count, against bitcoinj's own partial merkle trees and the Bitcoin developer reference's example. */
class MerkleBlockMatchesTest {
    private static final byte[] HEADER = new byte[80];

    private static ByteBuffer merkleblock(byte[] tree) {
        return ByteBuffer.allocate(HEADER.length + tree.length).put(HEADER).put(tree).flip();
    }

    /** A {@code merkleblock} of {@code total} transactions (a zero header) matching the leaves {@code matched}. */
    static NetworkMessage matching(int total, int... matched) {
        byte[] bits = new byte[(total + 7) / 8];
        for (int leaf : matched) {
            bits[leaf / 8] |= (byte) (1 << (leaf % 8));
        }
        byte[] tree = PartialMerkleTree.buildFromLeaves(bits, txids(total, new Random(total))).serialize();
        return new NetworkMessage("merkleblock", merkleblock(tree).array());
    }

    private static List<Sha256Hash> txids(int count, Random random) {
        List<Sha256Hash> txids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[32];
            random.nextBytes(id);
            txids.add(Sha256Hash.wrap(id));
        }
        return txids;
    }

    @Test
    void countsWhatBitcoinjExtractsFromTreesItBuilt() {
        Random random = new Random(37);
        for (int round = 0; round < 400; round++) {
            int count = 1 + (round < 40 ? round : random.nextInt(round < 300 ? 300 : 3000));
            byte[] bits = new byte[(count + 7) / 8];
            double share = random.nextDouble() * (round % 3 == 0 ? 0.02 : 1);
            for (int i = 0; i < count; i++) {
                if (random.nextDouble() < share) {
                    bits[i / 8] |= (byte) (1 << (i % 8));
                }
            }
            PartialMerkleTree tree = PartialMerkleTree.buildFromLeaves(bits, txids(count, random));
            List<Sha256Hash> matched = new ArrayList<>();
            tree.getTxnHashAndMerkleRoot(matched);
            assertEquals(matched.size(), MerkleBlockMatches.count(merkleblock(tree.serialize())),
                    count + " transactions, round " + round);
        }
    }

    /** developer.bitcoin.org, P2P network reference, "MerkleBlock": seven transactions, the fifth matched. */
    @Test
    void theDeveloperReferenceExampleMatchesOne() {
        byte[] tree = Hex.decode("07000000" + "04"
                + "3612262624047ee87660be1a707519a443b1c1ce3d248cbfc6c15870f6c5daa2"
                + "019f5b01d4195ecbc9398fbf3c3b1fa9bb3183301d7a1fb3bd174fcfa40a2b65"
                + "41ed70551dd7e841883ab8f0b16bf04176b7d1480e4f0af9f3d4c3595768d068"
                + "20d2a7bc994987302e5b1ac80fc425fe25f8b63169ea78e68fbaaefa59379bbf"
                + "01" + "1d");
        assertEquals(1, MerkleBlockMatches.count(merkleblock(tree)));
    }

    @Test
    void aTruncatedOrPaddedTreeIsNotCounted() {
        Random random = new Random(5);
        byte[] bits = {(byte) 0b1010_0110, 1};
        byte[] tree = PartialMerkleTree.buildFromLeaves(bits, txids(9, random)).serialize();
        byte[] whole = merkleblock(tree).array();
        assertEquals(5, MerkleBlockMatches.count(ByteBuffer.wrap(whole)), "leaves 1, 2, 5, 7 and 8");
        for (int length = 0; length < whole.length; length++) {
            assertEquals(-1, MerkleBlockMatches.count(ByteBuffer.wrap(Arrays.copyOf(whole, length))),
                    "length " + length);
        }
        assertEquals(-1, MerkleBlockMatches.count(ByteBuffer.wrap(Arrays.copyOf(whole, whole.length + 1))));
        assertEquals(-1, MerkleBlockMatches.count(ByteBuffer.allocate(84)), "no transactions");
        byte[] extraFlagByte = Arrays.copyOf(whole, whole.length + 1);
        extraFlagByte[80 + 4 + 1 + 32 * tree[4]]++; // the flag byte count, one more than the tree uses
        assertEquals(-1, MerkleBlockMatches.count(ByteBuffer.wrap(extraFlagByte)), "a flag byte left over");
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[85 + random.nextInt(200)];
            random.nextBytes(payload);
            payload[80] = (byte) random.nextInt(40); // small totals, so that the tree is read at all
            payload[81] = payload[82] = payload[83] = 0;
            payload[84] = (byte) (1 + random.nextInt(6));
            int n = MerkleBlockMatches.count(ByteBuffer.wrap(payload));
            assertTrue(n >= -1 && n <= 40, "count " + n);
        }
    }
}

package org.bip324shaper.it.node;

import java.util.ArrayList;
import java.util.List;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.base.internal.ByteUtils;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.BloomFilter;
import org.bitcoinj.core.FilteredBlock;
import org.bitcoinj.core.PartialMerkleTree;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptChunk;
import org.bitcoinj.script.ScriptPattern;

/**
 * Bitcoin Core's {@code CBloomFilter::IsRelevantAndUpdate} and {@code CMerkleBlock} over a bitcoinj filter.
 * bitcoinj's own {@code BloomFilter.applyAndUpdate} is written for the client side and fails on a coinbase whose
 * BIP-34 height is a small-number opcode (OP_1..OP_16: a "push" without data), which every regtest chain starts
 * with; like Core, empty pushes are skipped here. Not thread-safe: the caller holds the filter's owner lock.
 */
final class BloomMatcher {
    private BloomMatcher() {
    }

    /** Whether {@code tx} matches; matched outputs are added to the filter as its update flag says. */
    static boolean matchAndUpdate(BloomFilter filter, Transaction tx) {
        if (filter.contains(tx.getTxId().getBytes())) {
            return true;
        }
        boolean found = false;
        for (TransactionOutput output : tx.getOutputs()) {
            Script script = output.getScriptPubKey();
            for (ScriptChunk chunk : script.chunks()) {
                if (hasData(chunk) && filter.contains(chunk.data)) {
                    found = true;
                    BloomFilter.BloomUpdate flag = filter.getUpdateFlag();
                    if (flag == BloomFilter.BloomUpdate.UPDATE_ALL
                            || (flag == BloomFilter.BloomUpdate.UPDATE_P2PUBKEY_ONLY
                                && (ScriptPattern.isP2PK(script) || ScriptPattern.isSentToMultisig(script)))) {
                        filter.insert(output.getOutPointFor());
                    }
                    break;
                }
            }
        }
        if (found) {
            return true;
        }
        for (TransactionInput input : tx.getInputs()) {
            if (filter.contains(input.getOutpoint().serialize())) {
                return true;
            }
            for (ScriptChunk chunk : input.getScriptSig().chunks()) {
                if (hasData(chunk) && filter.contains(chunk.data)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The {@code merkleblock} for {@code block}, with the matched transactions attached. */
    static FilteredBlock filter(BloomFilter filter, Block block) {
        List<Transaction> txs = block.getTransactions();
        List<Sha256Hash> txids = new ArrayList<>(txs.size());
        byte[] bits = new byte[(txs.size() + 7) / 8];
        List<Transaction> matched = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            Transaction tx = txs.get(i);
            txids.add(tx.getTxId());
            if (matchAndUpdate(filter, tx)) {
                ByteUtils.setBitLE(bits, i);
                matched.add(tx);
            }
        }
        FilteredBlock filtered = new FilteredBlock(block.cloneAsHeader(),
                PartialMerkleTree.buildFromLeaves(bits, txids));
        for (Transaction tx : matched) {
            filtered.provideTransaction(tx);
        }
        return filtered;
    }

    private static boolean hasData(ScriptChunk chunk) {
        return chunk.data != null && chunk.data.length > 0;
    }
}

package org.bip324shaper.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.crypto.ECKey;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;
import org.junit.jupiter.api.Test;

class RegtestChainTest {
    private final RegtestChain chain = new RegtestChain();
    private final ECKey minerKey = new ECKey();
    private final Script minerScript = ScriptBuilder.createP2WPKHOutputScript(minerKey);
    private final Address payee = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);

    @Test
    void minedBlocksPassBitcoinjsConsensusChecksIncludingTheBip34Height() {
        for (int i = 1; i <= 20; i++) { // heights 1..16 encode as OP_N, later ones as pushes
            Block block = chain.mine(minerScript, true);
            assertEquals(i, chain.height());
            Block.verify(chain.params(), block, i, EnumSet.of(Block.VerifyFlag.HEIGHT_IN_COINBASE));
            assertEquals(chain.blockAt(i - 1).getHash(), block.getPrevBlockHash());
            assertTrue(block.getHash().toBigInteger().compareTo(block.getDifficultyTargetAsInteger()) <= 0,
                    "proof of work at the regtest target");
            assertEquals(RegtestChain.subsidy(i), block.getTransactions().get(0).getOutputSum());
        }
        assertEquals(chain.params().getGenesisBlock().getHash(), chain.blockAt(0).getHash());
    }

    @Test
    void manyBlocksMinedAtOnceStayWithinBitcoinjsTwoHoursAndAboveTheMedianTimePast() {
        mine(8_000); // one second apart, as this chain mined before, would end 2.2 h ahead
        Instant limit = Instant.now().plus(Duration.ofHours(2));
        assertTrue(chain.tip().time().isBefore(limit), "tip time " + chain.tip().time() + " is past " + limit);
        for (int h = 12; h <= chain.height(); h++) {
            List<Instant> previous = new ArrayList<>();
            for (int i = h - 11; i < h; i++) {
                previous.add(chain.blockAt(i).time());
            }
            Collections.sort(previous);
            assertTrue(chain.blockAt(h).time().isAfter(previous.get(5)), "block " + h + " not after the median");
        }
    }

    @Test
    void subsidyHalvesEvery150BlocksOnRegtest() {
        assertEquals(Coin.FIFTY_COINS, RegtestChain.subsidy(149));
        assertEquals(Coin.FIFTY_COINS.divide(2), RegtestChain.subsidy(150));
        assertEquals(Coin.FIFTY_COINS.divide(4), RegtestChain.subsidy(300));
        assertEquals(Coin.ZERO, RegtestChain.subsidy(150 * 64));
    }

    @Test
    void locatorAnswersStartAfterTheFirstKnownHash() {
        mine(3);
        Sha256Hash unknown = Sha256Hash.of(new byte[] {1});
        assertEquals(1, chain.startAfter(List.of(unknown)));
        assertEquals(3, chain.startAfter(List.of(unknown, chain.blockAt(2).getHash(), chain.blockAt(0).getHash())));
        assertEquals(4, chain.startAfter(List.of(chain.tip().getHash())));
    }

    @Test
    void aSignedSpendOfAMatureCoinbaseIsAdmittedAndMinedWithItsFee() {
        TransactionOutput coinbase = firstCoinbaseOutput();
        mine(RegtestChain.COINBASE_MATURITY - 1); // spendable in the next block
        Transaction tx = spend(coinbase, minerKey, Coin.COIN, Coin.valueOf(1_000));

        RegtestChain.Accepted accepted = assertInstanceOf(RegtestChain.Accepted.class, chain.offer(tx));
        assertEquals(Coin.valueOf(1_000), accepted.fee());
        assertInstanceOf(RegtestChain.AlreadyKnown.class, chain.offer(tx));
        assertEquals(List.of(tx), chain.mempool());

        Block block = chain.mine(minerScript, true);
        int height = chain.height();
        assertEquals(List.of(tx.getTxId()), block.getTransactions().stream().skip(1).map(Transaction::getTxId).toList());
        assertEquals(RegtestChain.subsidy(height).add(Coin.valueOf(1_000)),
                block.getTransactions().get(0).getOutputs().get(0).getValue(), "the fee goes to the miner");
        assertTrue(chain.mempool().isEmpty());
        Block.verify(chain.params(), block, height, EnumSet.of(Block.VerifyFlag.HEIGHT_IN_COINBASE));
        // BIP-141: the coinbase commits to the witness root with its 32-byte reserved value
        Transaction cb = block.getTransactions().get(0);
        byte[] reserved = cb.getInput(0).getWitness().getPush(0);
        assertEquals(32, reserved.length);
        assertEquals(Sha256Hash.twiceOf(block.getWitnessRoot().serialize(), reserved), cb.findWitnessCommitment());
        // and its output is now spent
        assertInstanceOf(RegtestChain.Rejected.class, chain.offer(spend(coinbase, minerKey, Coin.COIN,
                Coin.valueOf(2_000))));
    }

    @Test
    void blocksWithoutWitnessTransactionsCarryNoCommitment() {
        Block block = chain.mine(minerScript, true);
        assertNull(block.getTransactions().get(0).findWitnessCommitment());
        assertFalse(block.getTransactions().get(0).hasWitnesses());
    }

    @Test
    void theMempoolRefusesWhatBitcoinCoreWouldRefuse() {
        TransactionOutput coinbase = firstCoinbaseOutput();
        Transaction immature = spend(coinbase, minerKey, Coin.COIN, Coin.valueOf(1_000));
        assertRejected(immature, "immature");

        mine(RegtestChain.COINBASE_MATURITY - 1);
        assertRejected(spend(coinbase, new ECKey(), Coin.COIN, Coin.valueOf(1_000)), "does not unlock");
        assertRejected(spend(coinbase, minerKey, Coin.FIFTY_COINS.add(Coin.SATOSHI), Coin.ZERO), "outputs exceed inputs");

        Transaction first = spend(coinbase, minerKey, Coin.COIN, Coin.valueOf(1_000));
        assertInstanceOf(RegtestChain.Accepted.class, chain.offer(first));
        assertRejected(spend(coinbase, minerKey, Coin.COIN, Coin.valueOf(5_000)), "already spent in the memory pool");

        Transaction coinbaseLike = Transaction.coinbase(new byte[] {1, 2});
        coinbaseLike.addOutput(Coin.COIN, payee);
        assertRejected(coinbaseLike, "coinbase");
    }

    @Test
    void aChildOfAPoolTransactionIsAdmittedAndBothAreMinedInOrder() {
        TransactionOutput coinbase = firstCoinbaseOutput();
        mine(RegtestChain.COINBASE_MATURITY - 1);
        ECKey second = new ECKey();
        Transaction parent = new Transaction();
        parent.addOutput(Coin.COIN, ScriptBuilder.createP2WPKHOutputScript(second));
        parent.addOutput(coinbase.getValue().subtract(Coin.COIN).subtract(Coin.valueOf(1_000)), minerScript);
        parent.addSignedInput(coinbase, minerKey);
        assertInstanceOf(RegtestChain.Accepted.class, chain.offer(parent));

        Transaction child = spend(parent.getOutput(0), second, Coin.valueOf(50_000_000), Coin.valueOf(500));
        RegtestChain.Accepted accepted = assertInstanceOf(RegtestChain.Accepted.class, chain.offer(child));
        assertEquals(Coin.valueOf(500), accepted.fee());

        Block block = chain.mine(minerScript, true);
        assertEquals(List.of(parent.getTxId(), child.getTxId()),
                block.getTransactions().stream().skip(1).map(Transaction::getTxId).toList());
        assertEquals(RegtestChain.subsidy(chain.height()).add(Coin.valueOf(1_500)),
                block.getTransactions().get(0).getOutput(0).getValue());
    }

    private void assertRejected(Transaction tx, String reasonPart) {
        RegtestChain.Rejected r = assertInstanceOf(RegtestChain.Rejected.class, chain.offer(tx));
        assertTrue(r.reason().contains(reasonPart), r.reason());
        assertTrue(chain.mempoolTransaction(tx.getTxId()).isEmpty());
    }

    /** Pays {@code amount} to the payee and the rest minus {@code fee} back to the miner, signed with {@code key}. */
    private Transaction spend(TransactionOutput from, ECKey key, Coin amount, Coin fee) {
        Transaction tx = new Transaction();
        tx.addOutput(amount, payee);
        Coin change = from.getValue().subtract(amount).subtract(fee);
        if (change.isPositive()) {
            tx.addOutput(change, minerScript);
        }
        tx.addSignedInput(from.getOutPointFor(), from.getScriptPubKey(), from.getValue(), key);
        return tx;
    }

    private TransactionOutput firstCoinbaseOutput() {
        return chain.mine(minerScript, true).getTransactions().get(0).getOutput(0);
    }

    private void mine(int blocks) {
        for (int i = 0; i < blocks; i++) {
            chain.mine(minerScript, false);
        }
    }
}

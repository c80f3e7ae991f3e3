package org.bip324shaper.it.node;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.NetworkParameters;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.bitcoinj.core.TransactionOutPoint;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.core.TransactionWitness;
import org.bitcoinj.core.VerificationException;
import org.bitcoinj.params.RegTestParams;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;
import org.bitcoinj.script.ScriptException;
import org.bitcoinj.script.ScriptOpCodes;

/**
 * The node's block chain, unspent outputs and memory pool, on regtest. It mines its own blocks (a coinbase with the
 * BIP-34 height, the subsidy plus fees, a witness commitment when a transaction has witnesses, proof of work at the
 * regtest target), so that a bitcoind would accept them too. Transactions entering the pool are checked the way that
 * matters here: known unspent inputs, mature coinbases, valid signatures, no inflation. Thread-safe.
 */
public final class RegtestChain {
    /** Bitcoin Core's COINBASE_MATURITY. */
    public static final int COINBASE_MATURITY = 100;
    /** Regtest halves the subsidy every 150 blocks. */
    static final int HALVING_INTERVAL = 150;
    private static final Coin INITIAL_SUBSIDY = Coin.FIFTY_COINS;
    private static final long BLOCK_VERSION = 0x20000000L; // BIP-9 version bits, no deployment signalled
    /** The commitment header in the coinbase output of BIP-141. */
    private static final byte[] WITNESS_COMMITMENT_HEADER = {(byte) 0xaa, 0x21, (byte) 0xa9, (byte) 0xed};
    private static final int MAX_MEMPOOL_TRANSACTIONS = 10_000;

    private final NetworkParameters params = RegTestParams.get();
    /** bitcoinj wants one per thread that touches it (proof-of-work checks read it); the node's threads share this. */
    private final Context context = new Context();
    private final List<Block> blocks = new ArrayList<>();
    private final Map<Sha256Hash, Integer> heights = new HashMap<>();
    private final Map<TransactionOutPoint, Unspent> unspent = new HashMap<>();
    private final Map<Sha256Hash, Transaction> mempool = new LinkedHashMap<>();
    private long extraNonce;

    /** An output that can be spent, with what maturity needs. */
    private record Unspent(TransactionOutput output, int height, boolean coinbase) {
    }

    /** What became of a transaction offered to the pool. */
    public sealed interface Admission {
    }

    public record Accepted(Transaction tx, Coin fee) implements Admission {
    }

    public record AlreadyKnown(Sha256Hash txid) implements Admission {
    }

    public record Rejected(Sha256Hash txid, String reason) implements Admission {
    }

    public RegtestChain() {
        Block genesis = params.getGenesisBlock();
        blocks.add(genesis);
        heights.put(genesis.getHash(), 0);
    }

    public NetworkParameters params() {
        return params;
    }

    public synchronized int height() {
        return blocks.size() - 1;
    }

    public synchronized Block tip() {
        return blocks.get(blocks.size() - 1);
    }

    public synchronized Block blockAt(int height) {
        return blocks.get(height);
    }

    public synchronized Optional<Block> block(Sha256Hash hash) {
        Integer h = heights.get(hash);
        return h == null ? Optional.empty() : Optional.of(blocks.get(h));
    }

    public synchronized Optional<Integer> heightOf(Sha256Hash hash) {
        return Optional.ofNullable(heights.get(hash));
    }

    public synchronized Optional<Transaction> mempoolTransaction(Sha256Hash txid) {
        return Optional.ofNullable(mempool.get(txid));
    }

    public synchronized List<Transaction> mempool() {
        return List.copyOf(mempool.values());
    }

    /** Gives the calling thread this chain's bitcoinj context. */
    public void useContext() {
        Context.propagate(context);
    }

    /** The block subsidy at {@code height} on regtest. */
    public static Coin subsidy(int height) {
        int halvings = height / HALVING_INTERVAL;
        return halvings >= 64 ? Coin.ZERO : INITIAL_SUBSIDY.shiftRight(halvings);
    }

    /**
     * The first block of the main chain after the locator's first known hash (genesis when none is known): where a
     * {@code getheaders}/{@code getblocks} answer starts.
     */
    public synchronized int startAfter(List<Sha256Hash> locator) {
        for (Sha256Hash hash : locator) {
            Integer h = heights.get(hash);
            if (h != null) {
                return h + 1;
            }
        }
        return 1;
    }

    /**
     * Mines one block on the tip paying subsidy and fees to {@code coinbaseScript}, with every pool transaction when
     * {@code includeMempool}; the pool keeps the rest.
     */
    public synchronized Block mine(Script coinbaseScript, boolean includeMempool) {
        Objects.requireNonNull(coinbaseScript, "coinbaseScript");
        useContext();
        int height = blocks.size();
        List<Transaction> included = includeMempool ? new ArrayList<>(mempool.values()) : List.of();
        Coin fees = Coin.ZERO;
        for (Transaction tx : included) {
            fees = fees.add(fee(tx));
        }
        boolean witness = included.stream().anyMatch(Transaction::hasWitnesses);

        Transaction coinbase = Transaction.coinbase(new ScriptBuilder()
                .number(height)
                .data(ByteBuffer.allocate(8).putLong(++extraNonce).array())
                .build().program());
        coinbase.addOutput(subsidy(height).add(fees), coinbaseScript);
        List<Transaction> txs = new ArrayList<>();
        txs.add(coinbase);
        txs.addAll(included);
        if (witness) {
            addWitnessCommitment(coinbase, txs);
        }

        Block tip = tip();
        // as Core's generatetoaddress: the clock, or just past the median of the last 11 blocks. Counting up from
        // the tip instead put 20,000 fast-mined blocks hours ahead, and bitcoinj refuses blocks over 2 h ahead.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant earliest = medianTimePast().plusSeconds(1);
        Instant time = now.isAfter(earliest) ? now : earliest;
        Block block = new Block(BLOCK_VERSION, tip.getHash(), null, time, tip.getDifficultyTarget(), 0, txs);
        block.solve();
        connect(block, height);
        return block;
    }

    /**
     * BIP-141: the coinbase carries a 32-byte reserved value as its witness and commits to the witness merkle root
     * (the coinbase's wtxid counted as zero) in an OP_RETURN output.
     */
    /** The median time of the last 11 blocks (fewer near genesis), which a new block's time must exceed. */
    private Instant medianTimePast() {
        List<Instant> times = new ArrayList<>();
        for (int h = Math.max(0, blocks.size() - 11); h < blocks.size(); h++) {
            times.add(blocks.get(h).time());
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }

    private static void addWitnessCommitment(Transaction coinbase, List<Transaction> txs) {
        byte[] reserved = new byte[32];
        coinbase.replaceInput(0, coinbase.getInput(0).withWitness(TransactionWitness.of(List.of(reserved))));
        Block forRoot = new Block(BLOCK_VERSION, Sha256Hash.ZERO_HASH, Sha256Hash.ZERO_HASH, Instant.EPOCH, 0, 0, txs);
        byte[] commitment = Sha256Hash.twiceOf(forRoot.getWitnessRoot().serialize(), reserved).getBytes();
        byte[] data = new byte[WITNESS_COMMITMENT_HEADER.length + commitment.length];
        System.arraycopy(WITNESS_COMMITMENT_HEADER, 0, data, 0, WITNESS_COMMITMENT_HEADER.length);
        System.arraycopy(commitment, 0, data, WITNESS_COMMITMENT_HEADER.length, commitment.length);
        coinbase.addOutput(Coin.ZERO, new ScriptBuilder().op(ScriptOpCodes.OP_RETURN).data(data).build());
    }

    private void connect(Block block, int height) {
        blocks.add(block);
        heights.put(block.getHash(), height);
        for (Transaction tx : block.getTransactions()) {
            if (!tx.isCoinBase()) {
                for (TransactionInput in : tx.getInputs()) {
                    unspent.remove(in.getOutpoint());
                }
            }
            for (TransactionOutput out : tx.getOutputs()) {
                unspent.put(out.getOutPointFor(), new Unspent(out, height, tx.isCoinBase()));
            }
            mempool.remove(tx.getTxId());
        }
    }

    /** Offers a transaction to the pool; see the class comment for what is checked. */
    public synchronized Admission offer(Transaction tx) {
        useContext();
        Sha256Hash txid = tx.getTxId();
        if (mempool.containsKey(txid)) {
            return new AlreadyKnown(txid);
        }
        try {
            Transaction.verify(params.network(), tx);
        } catch (VerificationException e) {
            return new Rejected(txid, "malformed: " + e.getMessage());
        }
        if (tx.isCoinBase()) {
            return new Rejected(txid, "coinbase outside a block");
        }
        if (mempool.size() >= MAX_MEMPOOL_TRANSACTIONS) {
            return new Rejected(txid, "memory pool full");
        }
        Set<TransactionOutPoint> spentInPool = spentByMempool();
        Coin in = Coin.ZERO;
        for (int i = 0; i < tx.getInputs().size(); i++) {
            TransactionInput input = tx.getInput(i);
            TransactionOutPoint outpoint = input.getOutpoint();
            if (spentInPool.contains(outpoint)) {
                return new Rejected(txid, "input " + i + " already spent in the memory pool");
            }
            Optional<TransactionOutput> prev = spendable(outpoint);
            if (prev.isEmpty()) {
                return new Rejected(txid, "input " + i + " spends a missing, spent or immature output");
            }
            try {
                input.getScriptSig().correctlySpends(tx, i, input.getWitness(), prev.get().getValue(),
                        prev.get().getScriptPubKey(), Script.ALL_VERIFY_FLAGS);
            } catch (ScriptException e) {
                return new Rejected(txid, "input " + i + " does not unlock its output: " + e.getMessage());
            }
            in = in.add(prev.get().getValue());
        }
        Coin out = tx.getOutputSum();
        if (out.isGreaterThan(in)) {
            return new Rejected(txid, "outputs exceed inputs");
        }
        mempool.put(txid, tx);
        return new Accepted(tx, in.subtract(out));
    }

    /** A confirmed unspent output (a mature one if a coinbase's), or an output of a pool transaction. */
    private Optional<TransactionOutput> spendable(TransactionOutPoint outpoint) {
        Unspent u = unspent.get(outpoint);
        if (u != null) {
            int depthAtNextBlock = blocks.size() - u.height();
            return u.coinbase() && depthAtNextBlock < COINBASE_MATURITY ? Optional.empty() : Optional.of(u.output());
        }
        Transaction parent = mempool.get(outpoint.hash());
        if (parent != null && outpoint.index() < parent.getOutputs().size()) {
            return Optional.of(parent.getOutput(outpoint.index()));
        }
        return Optional.empty();
    }

    private Set<TransactionOutPoint> spentByMempool() {
        Set<TransactionOutPoint> spent = new HashSet<>();
        for (Transaction tx : mempool.values()) {
            for (TransactionInput in : tx.getInputs()) {
                spent.add(in.getOutpoint());
            }
        }
        return spent;
    }

    /** A pool transaction's fee; its inputs were resolvable when it was admitted and stay so until it is mined. */
    private Coin fee(Transaction tx) {
        Coin in = Coin.ZERO;
        for (TransactionInput input : tx.getInputs()) {
            TransactionOutPoint outpoint = input.getOutpoint();
            Unspent u = unspent.get(outpoint);
            TransactionOutput prev = u != null ? u.output() : mempool.get(outpoint.hash()).getOutput(outpoint.index());
            in = in.add(prev.getValue());
        }
        return in.subtract(tx.getOutputSum());
    }
}

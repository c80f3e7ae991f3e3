package org.bip324shaper.it.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.bip324shaper.it.node.PeerRecord;
import org.bip324shaper.it.node.RegtestNode;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.NetworkParameters;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;

/** The project's own {@link RegtestNode} as a backend. */
public final class NodeBackend implements RegtestBackend {
    private final RegtestNode node;

    public NodeBackend(RegtestNode node) {
        this.node = node;
    }

    public static NodeBackend start(RegtestNode.Options options) throws java.io.IOException {
        return new NodeBackend(RegtestNode.start(options));
    }

    public RegtestNode node() {
        return node;
    }

    @Override
    public String description() {
        return "project regtest node (" + (node.options().acceptV2() ? "v2 and v1" : "v1 only") + ")";
    }

    @Override
    public int p2pPort() {
        return node.port();
    }

    @Override
    public int height() {
        return node.height();
    }

    @Override
    public List<Sha256Hash> generateToAddress(int count, Address to) {
        List<Sha256Hash> hashes = new ArrayList<>();
        for (Block b : node.mine(count, to)) {
            hashes.add(b.getHash());
        }
        return hashes;
    }

    @Override
    public long coinbasePaidTo(Sha256Hash block, Address to) {
        Block b = node.chain().block(block).orElseThrow(() -> new IllegalArgumentException("unknown block " + block));
        Script script = ScriptBuilder.createOutputScript(to);
        long sats = 0;
        for (TransactionOutput out : b.getTransactions().get(0).getOutputs()) {
            if (java.util.Arrays.equals(out.getScriptPubKey().program(), script.program())) {
                sats += out.getValue().value;
            }
        }
        return sats;
    }

    @Override
    public List<TxOutput> awaitMempool(Sha256Hash txid, Duration timeout)
            throws InterruptedException, TimeoutException {
        Transaction tx = node.awaitMempoolTransaction(txid, timeout);
        NetworkParameters params = node.chain().params();
        List<TxOutput> outputs = new ArrayList<>();
        for (TransactionOutput out : tx.getOutputs()) {
            Optional<String> address;
            try {
                address = Optional.of(out.getScriptPubKey().getToAddress(params.network()).toString());
            } catch (RuntimeException e) {
                address = Optional.empty();
            }
            outputs.add(new TxOutput(address, out.getValue().value));
        }
        return outputs;
    }

    @Override
    public boolean inMempool(Sha256Hash txid) {
        return node.mempoolTransaction(txid).isPresent();
    }

    @Override
    public List<BackendPeer> peers() {
        List<BackendPeer> peers = new ArrayList<>();
        for (PeerRecord p : node.peers()) {
            peers.add(new BackendPeer(Integer.toString(p.id()), p.transport().id(), p.sessionIdHex(),
                    p.userAgent().orElse("")));
        }
        return peers;
    }

    @Override
    public void disconnectPeers() {
        node.disconnectAll();
    }

    @Override
    public void close() {
        node.close();
    }
}

package org.bip324shaper.it.scenario;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import org.bip324shaper.it.bitcoind.Bitcoind;
import org.bip324shaper.it.bitcoind.Json;
import org.bip324shaper.it.bitcoind.JsonRpc;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.Sha256Hash;

/** A real bitcoind as the backend, driven and inspected over JSON-RPC only (its own wallet is never used). */
public final class BitcoindBackend implements RegtestBackend {
    private static final BigDecimal SATS_PER_BTC = BigDecimal.valueOf(100_000_000L);
    /** bitcoind's "not in the mempool / unknown" code. */
    private static final int RPC_INVALID_ADDRESS_OR_KEY = -5;

    private final JsonRpc rpc;
    private final int p2pPort;
    private final boolean v2transport;
    /** The process this backend owns and stops; null when the RPC server is someone else's (tests). */
    private final Bitcoind bitcoind;

    public BitcoindBackend(Bitcoind bitcoind) {
        this(bitcoind.rpc(), bitcoind.p2pPort(), bitcoind.v2transport(), bitcoind);
    }

    BitcoindBackend(JsonRpc rpc, int p2pPort, boolean v2transport, Bitcoind bitcoind) {
        this.rpc = rpc;
        this.p2pPort = p2pPort;
        this.v2transport = v2transport;
        this.bitcoind = bitcoind;
    }

    public static BitcoindBackend start(Path executable, boolean v2transport) throws IOException, InterruptedException {
        return new BitcoindBackend(Bitcoind.start(executable, v2transport));
    }

    /** bitcoind's console output and the end of its debug.log, for failure messages. */
    public String diagnostics() {
        return bitcoind == null ? "" : bitcoind.output();
    }

    private JsonRpc rpc() {
        return rpc;
    }

    @Override
    public OptionalLong processCpuMillis() {
        return bitcoind.cpuMillis();
    }

    @Override
    public String description() {
        return "bitcoind -v2transport=" + (v2transport ? 1 : 0);
    }

    @Override
    public int p2pPort() {
        return p2pPort;
    }

    @Override
    public int height() throws IOException {
        return ((Number) rpc().call("getblockcount")).intValue();
    }

    @Override
    public List<Sha256Hash> generateToAddress(int count, Address to) throws IOException {
        List<Sha256Hash> hashes = new ArrayList<>();
        for (Object h : list(rpc().call("generatetoaddress", count, to.toString()))) {
            hashes.add(Sha256Hash.wrap((String) h));
        }
        return hashes;
    }

    @Override
    public long coinbasePaidTo(Sha256Hash block, Address to) throws IOException {
        Map<?, ?> b = map(rpc().call("getblock", block.toString(), 2));
        Map<?, ?> coinbase = map(list(b.get("tx")).get(0));
        long sats = 0;
        for (TxOutput out : outputs(coinbase)) {
            if (out.address().equals(Optional.of(to.toString()))) {
                sats += out.sats();
            }
        }
        return sats;
    }

    @Override
    public List<TxOutput> awaitMempool(Sha256Hash txid, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                // a mempool transaction is found without -txindex
                return outputs(map(rpc().call("getrawtransaction", txid.toString(), true)));
            } catch (JsonRpc.RpcException e) {
                if (e.code() != RPC_INVALID_ADDRESS_OR_KEY) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("transaction " + txid + " not in bitcoind's mempool within " + timeout
                        + "\n" + diagnostics());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public boolean inMempool(Sha256Hash txid) throws IOException {
        for (Object id : list(rpc().call("getrawmempool"))) {
            if (txid.toString().equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<BackendPeer> peers() throws IOException {
        List<BackendPeer> peers = new ArrayList<>();
        for (Object o : list(rpc().call("getpeerinfo"))) {
            Map<?, ?> p = map(o);
            if (!Boolean.TRUE.equals(p.get("inbound"))) {
                continue;
            }
            Object session = p.get("session_id");
            peers.add(new BackendPeer(String.valueOf(p.get("id")), String.valueOf(p.get("transport_protocol_type")),
                    session instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty(),
                    String.valueOf(p.get("subver"))));
        }
        return peers;
    }

    @Override
    public void disconnectPeers() throws IOException {
        for (BackendPeer p : peers()) {
            rpc().call("disconnectnode", "", Integer.parseInt(p.id()));
        }
    }

    @Override
    public void close() {
        if (bitcoind != null) {
            bitcoind.close();
        }
    }

    private static List<TxOutput> outputs(Map<?, ?> tx) {
        List<TxOutput> outs = new ArrayList<>();
        for (Object o : list(tx.get("vout"))) {
            Map<?, ?> vout = map(o);
            long sats = ((BigDecimal) vout.get("value")).multiply(SATS_PER_BTC).longValueExact();
            Object address = map(vout.get("scriptPubKey")).get("address");
            outs.add(new TxOutput(address instanceof String a ? Optional.of(a) : Optional.empty(), sats));
        }
        return outs;
    }

    private static Map<?, ?> map(Object o) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalStateException("expected a JSON object from bitcoind, got " + (o == Json.NULL ? "null" : o));
    }

    private static List<?> list(Object o) {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IllegalStateException("expected a JSON array from bitcoind, got " + o);
    }
}

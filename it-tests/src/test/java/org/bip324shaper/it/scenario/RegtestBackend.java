package org.bip324shaper.it.scenario;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.Sha256Hash;

/**
 * The regtest peer the wallet talks to, seen from outside the wallet: the project's own {@link NodeBackend} or a
 * real bitcoind ({@link BitcoindBackend}). The scenario mines and checks through this, never through the wallet.
 */
public interface RegtestBackend extends Closeable {

    /** For reports, e.g. "regtest node (v2 and v1)" or "bitcoind -v2transport=0". */
    String description();

    int p2pPort();

    /** The node's CPU time so far, when it runs as a process of its own (the bench's peer-side cost). */
    default OptionalLong processCpuMillis() {
        return OptionalLong.empty();
    }

    int height() throws IOException;

    /** Mines {@code count} blocks paying {@code to}, like {@code generatetoaddress}; the block hashes in order. */
    List<Sha256Hash> generateToAddress(int count, Address to) throws IOException;

    /** The coinbase outputs of a block paying {@code to}, in satoshis. */
    long coinbasePaidTo(Sha256Hash block, Address to) throws IOException;

    /** Waits for {@code txid} in the memory pool and returns its outputs. */
    List<TxOutput> awaitMempool(Sha256Hash txid, Duration timeout)
            throws IOException, InterruptedException, TimeoutException;

    /** Whether {@code txid} is in the memory pool now: one cheap look, for callers that time its arrival. */
    boolean inMempool(Sha256Hash txid) throws IOException;

    /** The inbound connections the backend knows of (for a bitcoind, those still connected). */
    List<BackendPeer> peers() throws IOException;

    /** Closes every inbound connection from the backend's side. */
    void disconnectPeers() throws IOException;

    /** One transaction output: where it pays (empty for a script without an address) and how much. */
    record TxOutput(Optional<String> address, long sats) {
    }

    /** A connection as the backend reports it: transport {@code v1}/{@code v2} and the v2 session id. */
    record BackendPeer(String id, String transport, Optional<String> sessionId, String userAgent) {
    }
}

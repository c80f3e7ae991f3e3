package org.bip324shaper.it.node;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.driver.MessageTransport;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.base.internal.Buffers;
import org.bitcoinj.core.BaseMessage;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.BloomFilter;
import org.bitcoinj.core.FilteredBlock;
import org.bitcoinj.core.GetBlocksMessage;
import org.bitcoinj.core.GetDataMessage;
import org.bitcoinj.core.GetHeadersMessage;
import org.bitcoinj.core.HeadersMessage;
import org.bitcoinj.core.InventoryItem;
import org.bitcoinj.core.InventoryMessage;
import org.bitcoinj.core.NotFoundMessage;
import org.bitcoinj.core.ProtocolException;
import org.bitcoinj.core.Services;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.VersionMessage;
import org.bitcoinj.script.Script;

/**
 * Serves one inbound peer what an SPV wallet needs: version handshake, ping, headers and block inventories, blocks
 * and BIP-37 filtered blocks, the memory pool and transactions. Requests it has no use for are ignored, as Bitcoin
 * Core ignores them; a malformed message ends the connection. One thread runs {@link #serve()}; the node's mining
 * thread announces blocks and transactions through {@link #announceBlocks} and {@link #announceTransaction}.
 */
final class PeerConnection {
    /** Bitcoin Core's protocol version with wtxid relay (BIP-339), the one bitcoinj 0.17 speaks too. */
    static final int PROTOCOL_VERSION = 70016;
    static final long SERVICES = Services.NODE_NETWORK | Services.NODE_BLOOM | Services.NODE_WITNESS;
    static final String USER_AGENT = "/bip324-shaper-regtest-node:0.1/";
    /** Bitcoin Core's limits for one answer. */
    private static final int MAX_BLOCKS_PER_INV = 500;
    private static final int MAX_HEADERS = HeadersMessage.MAX_HEADERS;
    private static final int MAX_INV_ITEMS = 50_000;

    private final int id;
    private final InetSocketAddress remote;
    private final MessageTransport channel;
    private final RegtestNode node;
    private final RegtestChain chain;
    /** Held while a group of messages that must arrive together (merkleblock + its txs) is written. */
    private final ReentrantLock sendLock = new ReentrantLock();

    private final Map<String, Integer> received = new TreeMap<>();
    /** Guarded by this: {@link System#nanoTime()} at each message the peer sent, per command. */
    private final Map<String, List<Long>> arrivalNanos = new TreeMap<>();
    private volatile String userAgent;
    private volatile boolean versionReceived;
    private volatile boolean handshakeDone;
    private volatile boolean wantsHeaders;
    private volatile boolean relayTransactions = true;
    private volatile boolean closed;
    private volatile String endReason;
    /** Guarded by this: the peer's BIP-37 filter, null when none is loaded. */
    private BloomFilter filter;
    /** Guarded by this: the last block of a truncated {@code getblocks} answer, as in Core's hashContinue. */
    private Sha256Hash hashContinue;

    PeerConnection(int id, InetSocketAddress remote, MessageTransport channel, RegtestNode node) {
        this.id = id;
        this.remote = remote;
        this.channel = channel;
        this.node = node;
        this.chain = node.chain();
    }

    int id() {
        return id;
    }

    boolean isClosed() {
        return closed;
    }

    synchronized PeerRecord record() {
        return new PeerRecord(id, remote, Transport.of(channel.kind()), channel.sessionIdHex(),
                Optional.ofNullable(userAgent), handshakeDone, received, closed, Optional.ofNullable(endReason),
                channel.stats().map(TrafficStats::snapshot), arrivalNanos);
    }

    /** Reads and answers messages until the peer leaves or breaks the protocol. */
    void serve() {
        try {
            while (true) {
                NetworkMessage m = channel.read();
                synchronized (this) {
                    received.merge(m.command(), 1, Integer::sum);
                    arrivalNanos.computeIfAbsent(m.command(), c -> new ArrayList<>()).add(System.nanoTime());
                }
                handle(m);
            }
        } catch (EOFException | SocketException e) {
            end(closed ? endReason : "peer closed the connection");
        } catch (IOException | RuntimeException e) {
            // bitcoinj's ProtocolException and BufferUnderflowException are runtime exceptions: a malformed message
            end("protocol error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Closes the connection from the node's side, as Core's {@code disconnectnode}. */
    void disconnect() {
        end("disconnected by the node");
    }

    private void end(String reason) {
        synchronized (this) {
            if (!closed) {
                endReason = reason;
            }
            closed = true;
        }
        try {
            channel.abort(); // as Core's disconnect: the socket closes, no closing handshake of our own
        } catch (IOException ignored) {
            // already ending
        }
        node.connectionEnded(this);
    }

    private void handle(NetworkMessage m) throws IOException {
        ByteBuffer payload = m.payload();
        String command = m.command();
        if (!versionReceived && !command.equals("version")) {
            throw new ProtocolException("'" + command + "' before 'version'");
        }
        if (handshakeDone && (command.equals("verack") || command.equals("sendaddrv2")
                || command.equals("wtxidrelay"))) {
            // Bitcoin Core disconnects a peer for these once the version handshake is over
            throw new ProtocolException("'" + command + "' after 'verack'");
        }
        switch (command) {
            case "version" -> onVersion(VersionMessage.read(payload));
            case "verack" -> handshakeDone = true;
            case "ping" -> send("pong", m.copyPayload()); // the pong echoes the ping's nonce
            case "getheaders" -> onGetHeaders(GetHeadersMessage.read(payload));
            case "getblocks" -> onGetBlocks(GetBlocksMessage.read(payload));
            case "getdata" -> onGetData(GetDataMessage.read(payload));
            case "filterload" -> {
                BloomFilter loaded = BloomFilter.read(payload); // enforces BIP-37's size and hash-function caps
                synchronized (this) {
                    filter = loaded;
                }
                relayTransactions = true;
            }
            case "filteradd" -> onFilterAdd(payload);
            case "filterclear" -> {
                synchronized (this) {
                    filter = null;
                }
                relayTransactions = true;
            }
            case "mempool" -> onMempool();
            case "tx" -> node.transactionReceived(this, Transaction.read(payload));
            case "inv" -> onInv(InventoryMessage.read(payload));
            case "sendheaders" -> wantsHeaders = true;
            default -> {
                // pong, sendaddrv2, wtxidrelay, feefilter, sendcmpct, getaddr, addr, notfound...: nothing to do
            }
        }
    }

    private void onVersion(VersionMessage theirs) throws IOException {
        if (versionReceived) {
            throw new ProtocolException("second 'version'");
        }
        userAgent = theirs.subVer;
        relayTransactions = theirs.relayTxesBeforeFilter;
        versionReceived = true;
        VersionMessage ours = new VersionMessage(chain.params(), chain.height());
        ours.clientVersion = PROTOCOL_VERSION;
        ours.localServices = Services.of(SERVICES);
        ours.receivingServices = theirs.localServices;
        ours.receivingAddr = remote;
        ours.subVer = USER_AGENT;
        ours.relayTxesBeforeFilter = true;
        send("version", ours);
        send("verack", new byte[0]);
    }

    private void onGetHeaders(GetHeadersMessage request) throws IOException {
        List<Block> headers = new ArrayList<>();
        int height = chain.startAfter(request.getLocator().getHashes());
        Sha256Hash stop = request.getStopHash();
        for (; height <= chain.height() && headers.size() < MAX_HEADERS; height++) {
            Block block = chain.blockAt(height);
            headers.add(block.cloneAsHeader());
            if (block.getHash().equals(stop)) {
                break;
            }
        }
        send("headers", new HeadersMessage(headers));
    }

    private void onGetBlocks(GetBlocksMessage request) throws IOException {
        List<Block> blocks = new ArrayList<>();
        int height = chain.startAfter(request.getLocator().getHashes());
        Sha256Hash stop = request.getStopHash();
        for (; height <= chain.height() && blocks.size() < MAX_BLOCKS_PER_INV; height++) {
            Block block = chain.blockAt(height);
            blocks.add(block);
            if (block.getHash().equals(stop)) {
                break;
            }
        }
        synchronized (this) {
            // when the answer was cut at the limit, the getdata for its last block is answered with the tip's inv
            hashContinue = blocks.size() == MAX_BLOCKS_PER_INV ? blocks.get(blocks.size() - 1).getHash() : null;
        }
        if (!blocks.isEmpty()) {
            send("inv", InventoryMessage.ofBlocks(blocks));
        }
    }

    private void onGetData(GetDataMessage request) throws IOException {
        List<InventoryItem> missing = new ArrayList<>();
        for (InventoryItem item : request.getItems()) {
            switch (item.type) {
                case BLOCK, WITNESS_BLOCK -> {
                    Optional<Block> block = chain.block(item.hash);
                    if (block.isPresent()) {
                        send("block", block.get());
                        continueBlocks(item.hash);
                    } else {
                        missing.add(item);
                    }
                }
                case FILTERED_BLOCK, WITNESS_FILTERED_BLOCK -> {
                    Optional<Block> block = chain.block(item.hash);
                    if (block.isPresent()) {
                        sendFiltered(block.get());
                        continueBlocks(item.hash);
                    } else {
                        missing.add(item);
                    }
                }
                case TRANSACTION, WITNESS_TRANSACTION -> {
                    Optional<Transaction> tx = chain.mempoolTransaction(item.hash);
                    if (tx.isPresent()) {
                        send("tx", tx.get());
                    } else {
                        missing.add(item);
                    }
                }
                default -> missing.add(item);
            }
        }
        if (!missing.isEmpty()) {
            send("notfound", new NotFoundMessage(missing));
        }
    }

    /** Core answers the merkleblock, then every matched transaction: the peer sees them as one group. */
    private void sendFiltered(Block block) throws IOException {
        FilteredBlock filtered;
        synchronized (this) {
            if (filter == null) {
                return; // Core ignores a filtered-block request without a filter
            }
            filtered = BloomMatcher.filter(filter, block);
        }
        List<NetworkMessage> group = new ArrayList<>();
        group.add(message("merkleblock", filtered));
        for (Transaction tx : block.getTransactions()) {
            if (filtered.getAssociatedTransactions().containsKey(tx.getTxId())) {
                group.add(message("tx", tx));
            }
        }
        send(group);
    }

    private void continueBlocks(Sha256Hash requested) throws IOException {
        boolean resume;
        synchronized (this) {
            resume = requested.equals(hashContinue);
            if (resume) {
                hashContinue = null;
            }
        }
        if (resume) {
            send("inv", InventoryMessage.ofBlocks(chain.tip()));
        }
    }

    private void onFilterAdd(ByteBuffer payload) throws ProtocolException {
        byte[] data = Buffers.readLengthPrefixedBytes(payload);
        if (data.length > Script.MAX_SCRIPT_ELEMENT_SIZE) {
            throw new ProtocolException("filteradd element of " + data.length + " bytes");
        }
        synchronized (this) {
            if (filter == null) {
                throw new ProtocolException("filteradd without a filter");
            }
            filter.insert(data);
        }
    }

    private void onMempool() throws IOException {
        List<Transaction> wanted = new ArrayList<>();
        for (Transaction tx : chain.mempool()) {
            if (wanted.size() < MAX_INV_ITEMS && matches(tx)) {
                wanted.add(tx);
            }
        }
        if (!wanted.isEmpty()) {
            send("inv", InventoryMessage.ofTransactions(wanted));
        }
    }

    private void onInv(InventoryMessage inv) throws IOException {
        List<InventoryItem> wanted = new ArrayList<>();
        for (InventoryItem item : inv.getItems()) {
            boolean tx = item.type == InventoryItem.Type.TRANSACTION
                    || item.type == InventoryItem.Type.WITNESS_TRANSACTION;
            if (tx && chain.mempoolTransaction(item.hash).isEmpty()) {
                wanted.add(new InventoryItem(InventoryItem.Type.WITNESS_TRANSACTION, item.hash));
            }
        }
        if (!wanted.isEmpty()) {
            send("getdata", Inventories.getData(wanted));
        }
    }

    private synchronized boolean matches(Transaction tx) {
        return filter == null ? relayTransactions : BloomMatcher.matchAndUpdate(filter, tx);
    }

    /** New blocks on the tip: a headers message if the peer asked for them, else an inv, as Core does. */
    void announceBlocks(List<Block> blocks) throws IOException {
        if (!handshakeDone || closed || blocks.isEmpty()) {
            return;
        }
        for (int from = 0; from < blocks.size(); from += MAX_BLOCKS_PER_INV) {
            List<Block> part = blocks.subList(from, Math.min(blocks.size(), from + MAX_BLOCKS_PER_INV));
            if (wantsHeaders) {
                send("headers", new HeadersMessage(part));
            } else {
                send("inv", InventoryMessage.ofBlocks(part));
            }
        }
    }

    /** A transaction another peer relayed, if this peer's filter wants it. */
    void announceTransaction(Transaction tx) throws IOException {
        if (handshakeDone && !closed && matches(tx)) {
            send("inv", InventoryMessage.ofTransactions(tx));
        }
    }

    private void send(String command, BaseMessage message) throws IOException {
        send(List.of(message(command, message)));
    }

    private void send(String command, byte[] payload) throws IOException {
        send(List.of(new NetworkMessage(command, payload)));
    }

    private void send(List<NetworkMessage> group) throws IOException {
        sendLock.lock();
        try {
            for (NetworkMessage m : group) {
                channel.write(m);
            }
        } finally {
            sendLock.unlock();
        }
    }

    private static NetworkMessage message(String command, BaseMessage message) {
        return new NetworkMessage(command, message.serialize());
    }

    @Override
    public String toString() {
        return "peer #" + id + " " + remote + " " + channel.kind().id();
    }
}

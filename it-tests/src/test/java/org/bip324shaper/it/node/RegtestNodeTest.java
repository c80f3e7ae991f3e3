package org.bip324shaper.it.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.core.message.NetworkMessage;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.BlockLocator;
import org.bitcoinj.core.BloomFilter;
import org.bitcoinj.core.FilteredBlock;
import org.bitcoinj.core.GetBlocksMessage;
import org.bitcoinj.core.GetDataMessage;
import org.bitcoinj.core.GetHeadersMessage;
import org.bitcoinj.core.HeadersMessage;
import org.bitcoinj.core.InventoryItem;
import org.bitcoinj.core.InventoryMessage;
import org.bitcoinj.core.MemoryPoolMessage;
import org.bitcoinj.core.NetworkParameters;
import org.bitcoinj.core.Ping;
import org.bitcoinj.core.Pong;
import org.bitcoinj.core.Services;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.core.VersionMessage;
import org.bitcoinj.crypto.ECKey;
import org.bitcoinj.script.ScriptBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The node over real loopback sockets, spoken to by {@link TestClient} over v2 and v1. */
class RegtestNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ECKey minerKey = new ECKey();
    private final Address miner = minerKey.toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private RegtestNode node(RegtestNode.Options options) throws IOException {
        RegtestNode node = RegtestNode.start(options);
        open.add(node);
        return node;
    }

    private TestClient client(RegtestNode node, Transport transport) throws IOException {
        TestClient c = transport == Transport.V2 ? TestClient.v2(node.port()) : TestClient.v1(node.port());
        open.add(c);
        return c;
    }

    private static NetworkParameters params(RegtestNode node) {
        return node.chain().params();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void recordsTheTransportAndTheSessionIdBothSidesShare(Transport transport) throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        node.mine(3, miner);
        TestClient client = client(node, transport);

        VersionMessage version = client.handshake(params(node));
        assertEquals(PeerConnection.PROTOCOL_VERSION, version.clientVersion());
        assertEquals(3, version.bestHeight);
        assertTrue(version.services().has(Services.NODE_NETWORK | Services.NODE_BLOOM | Services.NODE_WITNESS),
                version.services().toString());

        PeerRecord peer = node.awaitPeer(PeerRecord::handshakeDone, WAIT, "handshake");
        assertEquals(transport, peer.transport());
        assertEquals(client.sessionIdHex(), peer.sessionIdHex());
        assertEquals(transport == Transport.V2, peer.sessionIdHex().isPresent());
        assertEquals("/test-client/", peer.userAgent().orElseThrow());
        assertEquals(1, peer.received("version"));
    }

    @Test
    void aV1OnlyNodeDropsAV2InitiatorLikeCoreWithoutV2Transport() throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults().v1Only());
        assertThrows(IOException.class, () -> client(node, Transport.V2));
        PeerRecord dropped = node.awaitPeer(PeerRecord::closed, WAIT, "the dropped connection");
        assertTrue(dropped.endReason().orElseThrow().contains("protocol error"), dropped.toString());
        assertTrue(dropped.userAgent().isEmpty());

        TestClient v1 = client(node, Transport.V1); // v1 still works
        v1.handshake(params(node));
        assertEquals(Transport.V1, node.awaitPeer(PeerRecord::handshakeDone, WAIT, "v1 peer").transport());
    }

    @Test
    void aPeerThatSkipsTheVersionIsDisconnected() throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        TestClient client = client(node, Transport.V2);
        client.send("ping", Ping.of(7));
        assertThrows(IOException.class, client::read);
        PeerRecord peer = node.awaitPeer(PeerRecord::closed, WAIT, "disconnect");
        assertTrue(peer.endReason().orElseThrow().contains("'ping' before 'version'"), peer.toString());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersPingHeadersAndBlockInventories(Transport transport) throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        List<Block> mined = node.mine(4, miner);
        TestClient client = client(node, transport);
        client.handshake(params(node));

        client.send("ping", Ping.of(0x1234_5678_9abcL));
        assertEquals(0x1234_5678_9abcL, Pong.read(client.expectPayload("pong")).nonce());

        Sha256Hash genesis = params(node).getGenesisBlock().getHash();
        client.send("getheaders", new GetHeadersMessage(70016, new BlockLocator(List.of(genesis)), Sha256Hash.ZERO_HASH));
        HeadersMessage headers = HeadersMessage.read(client.expectPayload("headers"));
        assertEquals(hashes(mined), hashes(headers.getBlockHeaders()));

        // a locator at block 2 gets blocks 3 and 4; a stop hash at 3 ends there
        client.send("getblocks", new GetBlocksMessage(70016, new BlockLocator(List.of(mined.get(1).getHash())),
                mined.get(2).getHash()));
        InventoryMessage inv = InventoryMessage.read(client.expectPayload("inv"));
        assertEquals(List.of(new InventoryItem(InventoryItem.Type.BLOCK, mined.get(2).getHash())), inv.getItems());

        client.send("getdata", GetDataMessage.ofBlock(mined.get(3).getHash(), true));
        assertArrayEquals(mined.get(3).serialize(), client.expect("block").copyPayload());

        GetDataMessage unknown = GetDataMessage.ofBlock(Sha256Hash.of(new byte[] {9}), false);
        client.send("getdata", unknown);
        assertEquals(unknown.getItems(), InventoryMessage.read(client.expectPayload("notfound")).getItems());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void filteredBlocksCarryExactlyTheTransactionsTheBloomFilterMatches(Transport transport) throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        ECKey walletKey = new ECKey();
        Address wallet = walletKey.toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
        Block paysWallet = node.mine(1, wallet).get(0);
        Block paysMiner = node.mine(1, miner).get(0);

        TestClient client = client(node, transport);
        client.handshake(params(node));
        BloomFilter filter = new BloomFilter(10, 0.000001, 42, BloomFilter.BloomUpdate.UPDATE_ALL);
        filter.insert(walletKey.getPubKeyHash());
        client.send("filterload", filter);

        client.send("getdata", Inventories.getData(List.of(
                new InventoryItem(InventoryItem.Type.FILTERED_BLOCK, paysWallet.getHash()),
                new InventoryItem(InventoryItem.Type.FILTERED_BLOCK, paysMiner.getHash()))));
        client.send("ping", Ping.of(1)); // as bitcoinj does: the pong ends the last block's transactions

        FilteredBlock first = FilteredBlock.read(client.expectPayload("merkleblock"));
        assertEquals(paysWallet.getHash(), first.getHash());
        Transaction coinbase = paysWallet.getTransactions().get(0);
        assertEquals(List.of(coinbase.getTxId()), first.getTransactionHashes());
        assertEquals(coinbase.getTxId(), Transaction.read(client.expectPayload("tx")).getTxId());

        FilteredBlock second = FilteredBlock.read(client.expectPayload("merkleblock"));
        assertEquals(paysMiner.getHash(), second.getHash());
        assertEquals(List.of(), second.getTransactionHashes());
        client.expect("pong");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPeersTransactionEntersThePoolAndIsOfferedToMatchingPeers(Transport transport) throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        TransactionOutput coinbase = node.mine(1, miner).get(0).getTransactions().get(0).getOutput(0);
        node.mine(RegtestChain.COINBASE_MATURITY, miner);
        ECKey payeeKey = new ECKey();
        Transaction payment = new Transaction();
        payment.addOutput(Coin.COIN, payeeKey.toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST));
        payment.addOutput(coinbase.getValue().subtract(Coin.COIN).subtract(Coin.valueOf(2_000)),
                ScriptBuilder.createP2WPKHOutputScript(minerKey));
        payment.addSignedInput(coinbase, minerKey);

        TestClient watcher = client(node, Transport.V1);
        watcher.handshake(params(node));
        BloomFilter filter = new BloomFilter(10, 0.000001, 7, BloomFilter.BloomUpdate.UPDATE_ALL);
        filter.insert(payeeKey.getPubKeyHash());
        watcher.send("filterload", filter);
        node.awaitPeer(p -> p.received("filterload") == 1, WAIT, "the watcher's filter");

        TestClient sender = client(node, transport);
        sender.handshake(params(node));
        sender.send("tx", payment);

        assertEquals(payment.getTxId(), node.awaitMempoolTransaction(payment.getTxId(), WAIT).getTxId());
        assertEquals(List.of(new InventoryItem(InventoryItem.Type.TRANSACTION, payment.getTxId())),
                InventoryMessage.read(watcher.expectPayload("inv")).getItems());
        watcher.send("getdata", GetDataMessage.ofTransaction(payment.getTxId(), true));
        assertArrayEquals(payment.serialize(), watcher.expect("tx").copyPayload());

        watcher.send("mempool", new MemoryPoolMessage());
        assertEquals(payment.getTxId(), InventoryMessage.read(watcher.expectPayload("inv")).getItems().get(0).hash);

        // mined: the pool empties and the new block is announced
        Block confirming = node.mine(1, miner).get(0);
        assertTrue(node.mempoolTransaction(payment.getTxId()).isEmpty());
        assertTrue(confirming.getTransactions().contains(payment));
        assertEquals(List.of(new InventoryItem(InventoryItem.Type.BLOCK, confirming.getHash())),
                InventoryMessage.read(watcher.expectPayload("inv")).getItems());
    }

    @Test
    void aTransactionAnnouncedByInvIsFetchedAndAdmitted() throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        TransactionOutput coinbase = node.mine(1, miner).get(0).getTransactions().get(0).getOutput(0);
        node.mine(RegtestChain.COINBASE_MATURITY, miner);
        Transaction payment = new Transaction();
        payment.addOutput(coinbase.getValue().subtract(Coin.valueOf(1_000)), miner);
        payment.addSignedInput(coinbase, minerKey);

        TestClient client = client(node, Transport.V2);
        client.handshake(params(node));
        client.send("inv", InventoryMessage.ofTransactions(payment));
        GetDataMessage request = GetDataMessage.read(client.expectPayload("getdata"));
        assertEquals(List.of(new InventoryItem(InventoryItem.Type.WITNESS_TRANSACTION, payment.getTxId())),
                request.getItems());
        client.send("tx", payment);
        assertEquals(payment.getTxId(), node.awaitMempoolTransaction(payment.getTxId(), WAIT).getTxId());

        client.send("inv", InventoryMessage.ofTransactions(payment)); // known now: not fetched again
        client.send("ping", Ping.of(5));
        assertEquals(5, Pong.read(client.expectPayload("pong")).nonce());
    }

    @Test
    void aRejectedTransactionIsReportedWithItsReason() throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        node.mine(1, miner);
        TestClient client = client(node, Transport.V2);
        client.handshake(params(node));
        Transaction spendsNothing = new Transaction();
        spendsNothing.addOutput(Coin.COIN, miner);
        spendsNothing.addInput(Sha256Hash.of(new byte[] {3}), 0, ScriptBuilder.createEmpty());
        client.send("tx", spendsNothing);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> node.awaitMempoolTransaction(spendsNothing.getTxId(), WAIT));
        assertTrue(e.getMessage().contains("missing, spent or immature"), e.getMessage());
    }

    @Test
    void newBlocksAreAnnouncedAsHeadersToPeersThatAskForThem() throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        TestClient client = client(node, Transport.V2);
        client.handshake(params(node));
        client.send(new NetworkMessage("sendheaders", new byte[0]));
        node.awaitPeer(p -> p.received("sendheaders") == 1, WAIT, "sendheaders");
        List<Block> mined = node.mine(2, miner);
        assertEquals(hashes(mined), hashes(HeadersMessage.read(client.expectPayload("headers")).getBlockHeaders()));
    }

    @Test
    void disconnectAllClosesFromTheNodesSide() throws Exception {
        RegtestNode node = node(RegtestNode.Options.defaults());
        TestClient client = client(node, Transport.V2);
        client.handshake(params(node));
        node.awaitPeer(PeerRecord::handshakeDone, WAIT, "handshake");
        node.disconnectAll();
        assertThrows(IOException.class, client::read);
        PeerRecord peer = node.peers().get(0);
        assertTrue(peer.closed());
        assertEquals("disconnected by the node", peer.endReason().orElseThrow());
        // still the real session id once the session's keys are gone, for comparing with the agent's log afterwards
        assertEquals(client.sessionIdHex(), peer.sessionIdHex());
        assertTrue(peer.wire().orElseThrow().read().handshakeBytes() > 0, peer.toString());
    }

    private static List<Sha256Hash> hashes(List<Block> blocks) {
        return blocks.stream().map(Block::getHash).toList();
    }
}

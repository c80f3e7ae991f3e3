package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.bip324shaper.core.Network;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.GetDataMessage;
import org.bitcoinj.core.HeadersMessage;
import org.bitcoinj.core.InventoryMessage;
import org.bitcoinj.core.Message;
import org.bitcoinj.core.MessageSerializer;
import org.bitcoinj.core.NetworkParameters;
import org.bitcoinj.core.Ping;
import org.bitcoinj.core.Pong;
import org.bitcoinj.core.SendAddrV2Message;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.bitcoinj.core.TransactionWitness;
import org.bitcoinj.core.VersionAck;
import org.bitcoinj.core.VersionMessage;
import org.bitcoinj.crypto.ECKey;
import org.bitcoinj.script.ScriptBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bridge's promise: what a bitcoinj 0.17.1 wallet writes in v1 comes out of v1 -> v2 -> v1 byte for byte, and
 * bitcoinj reads what {@link V1FrameEncoder} writes.
 */
class BitcoinjInteropTest {
    /** Our networks that bitcoinj 0.17.1 knows (it has no testnet4). */
    enum Both {
        MAINNET(Network.MAINNET, BitcoinNetwork.MAINNET),
        TESTNET3(Network.TESTNET3, BitcoinNetwork.TESTNET),
        SIGNET(Network.SIGNET, BitcoinNetwork.SIGNET),
        REGTEST(Network.REGTEST, BitcoinNetwork.REGTEST);

        final Network ours;
        final NetworkParameters params;

        Both(Network ours, BitcoinNetwork theirs) {
            this.ours = ours;
            this.params = NetworkParameters.of(theirs);
        }
    }

    private final Random random = new Random(20240);

    @BeforeEach
    void bitcoinjContext() {
        // bitcoinj wants a thread-local Context for building blocks and transactions
        Context.propagate(new Context());
    }

    @ParameterizedTest
    @EnumSource(Both.class)
    void bitcoinjMessagesSurviveV1ToV2ToV1ByteExactly(Both net) throws Exception {
        MessageSerializer serializer = net.params.getDefaultSerializer();
        List<Message> messages = realMessages(net);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<byte[]> frames = new ArrayList<>();
        for (Message message : messages) {
            byte[] frame = serialize(serializer, message);
            frames.add(frame);
            stream.writeBytes(frame);
        }
        byte[] wire = stream.toByteArray();
        V1FrameEncoder encoder = new V1FrameEncoder(net.ours);
        for (int trial = 0; trial < 8; trial++) {
            int maxChunk = trial == 0 ? 1 : 1 + random.nextInt(trial < 4 ? 64 : wire.length);
            List<NetworkMessage> decoded =
                    V1FrameCodecTest.decodeAll(new V1FrameDecoder(net.ours), wire, maxChunk, random);
            assertEquals(frames.size(), decoded.size());
            for (int i = 0; i < frames.size(); i++) {
                NetworkMessage fromV1 = decoded.get(i);
                byte[] contents = V2MessageCodec.encode(fromV1);
                OptionalInt shortId = MessageTypes.shortId(fromV1.command());
                assertEquals(shortId.isPresent() ? 1 + fromV1.payloadLength() : 13 + fromV1.payloadLength(),
                        contents.length, fromV1.command());
                NetworkMessage fromV2 =
                        assertInstanceOf(V2Decoded.Message.class, V2MessageCodec.decode(contents)).message();
                assertArrayEquals(frames.get(i), encoder.encode(fromV2), fromV1.command());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Both.class)
    void bitcoinjReadsWhatWeFrame(Both net) throws Exception {
        MessageSerializer serializer = net.params.getDefaultSerializer();
        V1FrameEncoder encoder = new V1FrameEncoder(net.ours);
        for (Message message : realMessages(net)) {
            byte[] frame = serialize(serializer, message);
            String command = commandOf(frame);
            byte[] ours = encoder.encode(new NetworkMessage(command, message.serialize()));
            Message parsed = serializer.deserialize(ByteBuffer.wrap(ours));
            assertEquals(message.getClass(), parsed.getClass(), command);
            assertArrayEquals(message.serialize(), parsed.serialize(), command);
        }
    }

    @Test
    void everyCommandFramesLikeBitcoinjsRawSerializer() throws Exception {
        // bitcoinj's serialize(command, payload) is an independent v1 framer; also covers commands it has no class for.
        List<String> commands = new ArrayList<>(List.of("version", "verack", "sendaddrv2", "wtxidrelay", "sendheaders",
                "abcdefghijkl", "x"));
        for (int id = 1; id <= MessageTypes.MAX_KNOWN_SHORT_ID; id++) {
            commands.add(MessageTypes.command(id).orElseThrow());
        }
        for (Both net : Both.values()) {
            MessageSerializer serializer = net.params.getDefaultSerializer();
            V1FrameEncoder encoder = new V1FrameEncoder(net.ours);
            for (String command : commands) {
                byte[] payload = new byte[random.nextInt(2000)];
                random.nextBytes(payload);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                serializer.serialize(command, payload, expected);
                assertArrayEquals(expected.toByteArray(), encoder.encode(new NetworkMessage(command, payload)),
                        net + " " + command);
            }
        }
    }

    @Test
    void genesisBlocksMatchTheirKnownHashes() throws Exception {
        // guards the block fixtures: the real genesis blocks, not something bitcoinj made up
        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
                Both.MAINNET.params.getGenesisBlock().getHashAsString());
        assertEquals("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
                Both.REGTEST.params.getGenesisBlock().getHashAsString());
    }

    private List<Message> realMessages(Both net) throws Exception {
        NetworkParameters params = net.params;
        Block genesis = params.getGenesisBlock();
        ECKey key = ECKey.fromPrivate(BigInteger.valueOf(0x324_324_324L));
        Address address = key.toAddress(ScriptType.P2WPKH, params.network());

        List<Message> messages = new ArrayList<>();
        VersionMessage version = new VersionMessage(params, 840_000);
        version.time = Instant.ofEpochSecond(1_700_000_000L);
        version.receivingAddr = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 3, 2, 4}),
                params.getPort());
        version.appendToSubVer("bip324-shaper-test", "0.1", null);
        messages.add(version);
        messages.add(new VersionAck());
        messages.add(new SendAddrV2Message());
        messages.add(Ping.of(0x0123_4567_89ab_cdefL));
        messages.add(Pong.of(0x0123_4567_89ab_cdefL));

        // a short chain of mined blocks on top of genesis (difficulty is trivial on regtest only, so mine there)
        List<Block> chain = new ArrayList<>();
        Block tip = Both.REGTEST.params.getGenesisBlock();
        for (int height = 1; height <= 3; height++) {
            tip = tip.createNextBlock(address);
            chain.add(tip);
        }
        Block withTransactions = tip.createNextBlock(address);
        Transaction coinbase = chain.get(0).getTransactions().get(0);
        withTransactions.addTransaction(segwitSpend(coinbase, address));
        withTransactions.addTransaction(legacySpend(chain.get(1).getTransactions().get(0), key));
        withTransactions.solve();

        messages.add(InventoryMessage.ofBlocks(chain));
        messages.add(InventoryMessage.ofTransactions(withTransactions.getTransactions()));
        GetDataMessage getData = new GetDataMessage();
        getData.addBlock(chain.get(2).getHash(), true);
        getData.addTransaction(coinbase.getTxId(), true);
        getData.addTransaction(Sha256Hash.of(new byte[] {1}), false);
        messages.add(getData);
        List<Block> headers = new ArrayList<>();
        headers.add(genesis.cloneAsHeader());
        for (Block block : chain) {
            headers.add(block.cloneAsHeader());
        }
        messages.add(new HeadersMessage(headers));
        messages.add(genesis);
        messages.add(withTransactions);
        messages.add(withTransactions.getTransactions().get(1));
        messages.add(withTransactions.getTransactions().get(2));
        return messages;
    }

    private static Transaction segwitSpend(Transaction funding, Address to) {
        Transaction tx = new Transaction();
        TransactionInput input = tx.addInput(funding.getTxId(), 0, new ScriptBuilder().build());
        byte[] fakeSignature = new byte[71];
        byte[] fakePubKey = new byte[33];
        fakeSignature[0] = 0x30;
        fakePubKey[0] = 0x02;
        tx.replaceInput(0, input.withWitness(TransactionWitness.of(fakeSignature, fakePubKey)));
        tx.addOutput(Coin.valueOf(49_9999_0000L), to);
        assertTrue(tx.hasWitnesses());
        return tx;
    }

    private static Transaction legacySpend(Transaction funding, ECKey key) {
        Transaction tx = new Transaction();
        tx.addInput(funding.getTxId(), 0, new ScriptBuilder().data(new byte[72]).data(key.getPubKey()).build());
        tx.addOutput(Coin.valueOf(20_0000_0000L), key);
        tx.addOutput(Coin.valueOf(29_9999_0000L), ScriptBuilder.createP2WPKHOutputScript(key));
        return tx;
    }

    private static byte[] serialize(MessageSerializer serializer, Message message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer.serialize(message, out);
        return out.toByteArray();
    }

    private static String commandOf(byte[] frame) {
        int end = 4;
        while (end < 16 && frame[end] != 0) {
            end++;
        }
        return new String(frame, 4, end - 4, java.nio.charset.StandardCharsets.US_ASCII);
    }
}

package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.WrongNetworkException;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTransportTest {
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    private final Random random = new Random(10);

    /** A connected socket pair on loopback; {@code channels} makes both NIO sockets (gathering writes). */
    private record SocketPair(Socket a, Socket b) implements AutoCloseable {
        static SocketPair open(boolean channels) throws IOException {
            if (channels) {
                try (ServerSocketChannel server = ServerSocketChannel.open()) {
                    server.bind(new InetSocketAddress(Loopback.LOCALHOST, 0));
                    SocketChannel a = SocketChannel.open(server.getLocalAddress());
                    return new SocketPair(a.socket(), server.accept().socket());
                }
            }
            try (ServerSocket server = new ServerSocket(0, 1, Loopback.LOCALHOST)) {
                Socket a = new Socket(Loopback.LOCALHOST, server.getLocalPort());
                return new SocketPair(a, server.accept());
            }
        }

        @Override
        public void close() throws IOException {
            try {
                a.close();
            } finally {
                b.close();
            }
        }
    }

    private List<NetworkMessage> someMessages() {
        List<NetworkMessage> messages = new ArrayList<>();
        for (String command : new String[] {"version", "verack", "sendaddrv2", "ping", "filterload", "tx", "block"}) {
            byte[] payload = new byte[command.equals("verack") ? 0 : command.equals("block") ? 1_500_000
                    : random.nextInt(4000)];
            random.nextBytes(payload);
            messages.add(new NetworkMessage(command, payload));
        }
        return messages;
    }

    @ParameterizedTest(name = "channels={0}")
    @ValueSource(booleans = {false, true})
    void v1FramesOnTheWireAreExactlyTheEncodersBytesWhereverTheMessageCameFrom(boolean channels) throws Exception {
        V1FrameEncoder encoder = new V1FrameEncoder(Network.REGTEST);
        try (SocketPair pair = SocketPair.open(channels)) {
            MessageTransport sender = MessageTransport.v1(pair.a(), Network.REGTEST);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            List<NetworkMessage> sent = new ArrayList<>();
            for (NetworkMessage m : someMessages()) {
                expected.writeBytes(encoder.encode(m));
                sent.add(m); // no header room: header and payload as two pieces
                // the same message as v2 contents decoded it: one byte or 13 bytes of room, still too little
                NetworkMessage fromV2 = ((V2Decoded.Message) V2MessageCodec.decode(V2MessageCodec.encode(m)))
                        .message();
                expected.writeBytes(encoder.encode(m));
                sent.add(fromV2);
            }
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(
                    () -> readExactly(pair.b(), expected.size()), loopback.pool);
            for (NetworkMessage m : sent) {
                sender.write(m);
            }
            assertArrayEquals(expected.toByteArray(), received.get(20, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "channels={0}")
    @ValueSource(booleans = {false, true})
    void messagesRoundTripBothWaysAndEndOfStreamIsEof(boolean channels) throws Exception {
        try (SocketPair pair = SocketPair.open(channels)) {
            MessageTransport a = MessageTransport.v1(pair.a(), Network.TESTNET4);
            MessageTransport b = MessageTransport.v1(pair.b(), Network.TESTNET4);
            List<NetworkMessage> messages = someMessages();
            CompletableFuture<List<NetworkMessage>> atB = readAll(b, messages.size());
            for (NetworkMessage m : messages) {
                a.write(m);
            }
            assertEquals(messages, atB.get(20, TimeUnit.SECONDS));
            // and back, relaying each message as it was decoded (its own frame, written in place)
            CompletableFuture<List<NetworkMessage>> atA = readAll(a, messages.size());
            for (NetworkMessage m : atB.get()) {
                b.write(m);
            }
            assertEquals(messages, atA.get(20, TimeUnit.SECONDS));
            b.close();
            assertThrows(EOFException.class, a::read);
            assertEquals(MessageTransport.Kind.V1, a.kind());
            assertTrue(b.isClosed());
        }
    }

    @Test
    void bytesTakenOffTheSocketBeforeAreDecodedFirst() throws Exception {
        byte[] frame = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("ping", new byte[8]));
        try (SocketPair pair = SocketPair.open(false)) {
            pair.a().getOutputStream().write(frame);
            byte[] magic = pair.b().getInputStream().readNBytes(4); // as the bridge reads it to learn the network
            MessageTransport b = MessageTransport.v1(pair.b(), Network.MAINNET, magic);
            NetworkMessage m = b.read();
            assertEquals("ping", m.command());
            assertEquals(8, m.payloadLength());
        }
    }

    @Test
    void anotherNetworksFrameIsAProtocolError() throws Exception {
        byte[] frame = new V1FrameEncoder(Network.MAINNET).encode(new NetworkMessage("ping", new byte[8]));
        try (SocketPair pair = SocketPair.open(false)) {
            pair.a().getOutputStream().write(frame);
            MessageTransport b = MessageTransport.v1(pair.b(), Network.REGTEST);
            assertThrows(WrongNetworkException.class, b::read);
        }
    }

    @ParameterizedTest(name = "v2={0}")
    @ValueSource(booleans = {false, true})
    void closeEndsABlockedReadWithEof(boolean v2) throws Exception {
        try (SocketPair pair = SocketPair.open(false)) {
            MessageTransport[] ends = v2 ? v2Pair(pair) : new MessageTransport[] {
                MessageTransport.v1(pair.a(), Network.REGTEST), MessageTransport.v1(pair.b(), Network.REGTEST)};
            CompletableFuture<NetworkMessage> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return ends[0].read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, loopback.pool);
            // let the read reach the socket; closing before it starts must end it just the same
            ends[0].close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
            assertInstanceOf(EOFException.class, e.getCause().getCause(), e.toString());
            assertThrows(IOException.class, () -> ends[0].write(new NetworkMessage("ping", new byte[8])));
            ends[1].close();
        }
    }

    /**
     * The bridge's path: a v1 client's frames go through a v1 transport, into a v2 session, come back from the v2
     * peer and out through the v1 transport again. The client reads back exactly the bytes it wrote.
     */
    @Test
    void aV1ToV2RelayGivesTheV1ClientBackItsExactBytes() throws Exception {
        List<NetworkMessage> messages = someMessages();
        V1FrameEncoder encoder = new V1FrameEncoder(Network.REGTEST);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (NetworkMessage m : messages) {
            stream.writeBytes(encoder.encode(m));
        }
        try (SocketPair client = SocketPair.open(true); SocketPair upstream = SocketPair.open(false)) {
            MessageTransport walletSide = MessageTransport.v1(client.b(), Network.REGTEST);
            MessageTransport[] v2 = v2Pair(upstream);
            MessageTransport peerSide = v2[0];
            MessageTransport echo = v2[1];
            CompletableFuture<Void> echoing = pump(echo, echo, messages.size());
            CompletableFuture<Void> up = pump(walletSide, peerSide, messages.size());
            CompletableFuture<Void> down = pump(peerSide, walletSide, messages.size());
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(
                    () -> readExactly(client.a(), stream.size()), loopback.pool);
            client.a().getOutputStream().write(stream.toByteArray());
            assertArrayEquals(stream.toByteArray(), back.get(30, TimeUnit.SECONDS));
            CompletableFuture.allOf(echoing, up, down).get(10, TimeUnit.SECONDS);
            assertEquals(MessageTransport.Kind.V2, peerSide.kind());
            assertEquals(peerSide.sessionIdHex(), echo.sessionIdHex());
            assertTrue(peerSide.stats().orElseThrow().snapshot().written().genuineBytes() > stream.size());
            for (MessageTransport t : List.of(walletSide, peerSide, echo)) {
                t.close();
            }
        }
    }

    private MessageTransport[] v2Pair(SocketPair pair) throws Exception {
        CompletableFuture<ShapedProtocol> responder = CompletableFuture.supplyAsync(() -> {
            try {
                return ShapedProtocol.over(pair.b(), Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, loopback.pool);
        ShapedProtocol initiator = ShapedProtocol.over(pair.a(),
                Loopback.options(Role.INITIATOR, TrafficConfig.DEFAULT));
        return new MessageTransport[] {MessageTransport.v2(initiator),
            MessageTransport.v2(responder.get(10, TimeUnit.SECONDS))};
    }

    private CompletableFuture<Void> pump(MessageTransport from, MessageTransport to, int count) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    to.write(from.read());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, loopback.pool);
    }

    private CompletableFuture<List<NetworkMessage>> readAll(MessageTransport t, int count) {
        return CompletableFuture.supplyAsync(() -> {
            List<NetworkMessage> out = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    out.add(t.read());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        }, loopback.pool);
    }

    private static byte[] readExactly(Socket socket, int n) {
        try {
            InputStream in = socket.getInputStream();
            byte[] bytes = in.readNBytes(n);
            return Arrays.copyOf(bytes, bytes.length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A message that came from v2 has no header room: on a plain stream a small frame still goes out in one write
     * (header and payload assembled), a large one as header then payload; the bytes are the v1 frame either way.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 200, V1MessageTransport.PENDING_MAX - V1FrameEncoder.HEADER_LENGTH,
            V1MessageTransport.PENDING_MAX - V1FrameEncoder.HEADER_LENGTH + 1, 100_000})
    void aFrameWithoutHeaderRoomGoesOutInOneWriteWhenSmall(int payloadLength) throws IOException {
        byte[] payload = new byte[payloadLength];
        random.nextBytes(payload);
        NetworkMessage fromV2 = ((V2Decoded.Message) V2MessageCodec.decode(
                V2MessageCodec.contents(NetworkMessage.copyOf("merkleblock", payload)).array())).message();
        CountingStream wire = new CountingStream();
        MessageTransport v1 = MessageTransport.v1(InputStream.nullInputStream(), wire, Network.REGTEST, new byte[0],
                () -> { });
        v1.write(fromV2);
        assertArrayEquals(new V1FrameEncoder(Network.REGTEST).encode(NetworkMessage.copyOf("merkleblock", payload)),
                wire.toByteArray());
        boolean small = V1FrameEncoder.HEADER_LENGTH + payloadLength <= V1MessageTransport.PENDING_MAX;
        assertEquals(small ? List.of(V1FrameEncoder.HEADER_LENGTH + payloadLength)
                : List.of(V1FrameEncoder.HEADER_LENGTH, payloadLength), wire.writes);
    }

    /** A counting stream: the length of every write call. */
    private static final class CountingStream extends ByteArrayOutputStream {
        final List<Integer> writes = new ArrayList<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(len);
            super.write(b, off, len);
        }
    }

    @Test
    void bufferedWritesLeaveTogetherAtTheFlushOrTheNextWriteInOrder() throws IOException {
        CountingStream wire = new CountingStream();
        MessageTransport v1 = MessageTransport.v1(InputStream.nullInputStream(), wire, Network.REGTEST, new byte[0],
                () -> { });
        V1FrameEncoder encoder = new V1FrameEncoder(Network.REGTEST);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            NetworkMessage m = NetworkMessage.copyOf("merkleblock", new byte[250 + i]);
            v1.writeBuffered(m);
            expected.writeBytes(encoder.encode(m));
        }
        assertEquals(List.of(), wire.writes, "nothing written before the flush");
        v1.flush();
        assertEquals(1, wire.writes.size(), "three frames in one write");
        NetworkMessage tail = NetworkMessage.copyOf("tx", new byte[300]);
        v1.writeBuffered(tail);
        NetworkMessage pong = NetworkMessage.copyOf("pong", new byte[8]);
        v1.write(pong); // a plain write takes what is buffered along, first
        expected.writeBytes(encoder.encode(tail));
        expected.writeBytes(encoder.encode(pong));
        assertEquals(2, wire.writes.size());
        NetworkMessage large = NetworkMessage.copyOf("block", new byte[V1MessageTransport.PENDING_MAX]);
        v1.writeBuffered(tail);
        v1.writeBuffered(large); // too large to buffer: the buffered one goes first, then the block from its array
        expected.writeBytes(encoder.encode(tail));
        expected.writeBytes(encoder.encode(large));
        NetworkMessage last = NetworkMessage.copyOf("inv", new byte[37]);
        v1.writeBuffered(last);
        v1.close(); // closing writes what is still buffered
        expected.writeBytes(encoder.encode(last));
        assertArrayEquals(expected.toByteArray(), wire.toByteArray());
    }

    @Test
    void aV1TransportKnowsWhenTheNextMessageIsAlreadyRead() throws IOException {
        V1FrameEncoder encoder = new V1FrameEncoder(Network.REGTEST);
        NetworkMessage a = NetworkMessage.copyOf("inv", new byte[37]);
        NetworkMessage b = NetworkMessage.copyOf("tx", new byte[200]);
        byte[] second = encoder.encode(b);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(encoder.encode(a));
        bytes.writeBytes(Arrays.copyOf(second, 30)); // the second frame only starts in the first read
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed, 1 << 16);
        feed.write(bytes.toByteArray());
        MessageTransport v1 = MessageTransport.v1(in, OutputStream.nullOutputStream(), Network.REGTEST, new byte[0],
                () -> { });
        assertEquals(a, v1.read());
        assertFalse(v1.hasReadyMessage(), "a partial frame is not a message");
        feed.write(Arrays.copyOfRange(second, 30, second.length));
        feed.write(encoder.encode(a));
        assertEquals(b, v1.read());
        assertTrue(v1.hasReadyMessage(), "the next frame came with the same read");
        assertTrue(v1.hasReadyMessage(), "asking twice keeps it");
        assertEquals(a, v1.read());
        assertFalse(v1.hasReadyMessage());
    }

    @Test
    void aBadFrameFoundWhileLookingAheadIsReportedByTheNextRead() throws IOException {
        V1FrameEncoder encoder = new V1FrameEncoder(Network.REGTEST);
        NetworkMessage a = NetworkMessage.copyOf("inv", new byte[37]);
        byte[] bad = encoder.encode(NetworkMessage.copyOf("tx", new byte[50]));
        bad[bad.length - 1] ^= 1; // the checksum no longer matches
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(encoder.encode(a));
        bytes.writeBytes(bad);
        MessageTransport v1 = MessageTransport.v1(new ByteArrayInputStream(bytes.toByteArray()),
                OutputStream.nullOutputStream(), Network.REGTEST, new byte[0], () -> { });
        assertEquals(a, v1.read());
        assertFalse(v1.hasReadyMessage());
        assertThrows(Bip324Exception.class, v1::read);
    }
}

package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.TraceRecorder;
import org.bip324shaper.driver.Loopback.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flush discipline seen on the wire: a relay between the two peers records the size of every read. With gaps between
 * small messages and TCP_NODELAY, each read is one write, so the relay sees exactly the driver's writes: with RANDOM
 * padding each is a genuine packet plus its padding decoy (never the bare genuine packet), without padding each is the
 * bare genuine packet.
 */
class WireFlushTest {
    private static final int MESSAGES = 12;
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    static List<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            all.add(Arguments.of(kind, true));
            all.add(Arguments.of(kind, false));
        }
        return all;
    }

    @ParameterizedTest(name = "{0} sender, padding {1}")
    @MethodSource("cases")
    void eachReadOnTheWireIsOneWholeFlush(Kind senderKind, boolean padding) throws Exception {
        TrafficConfig config = TrafficConfig.builder()
                .padding(padding ? PaddingStrategy.RANDOM : PaddingStrategy.DISABLED).build();
        WriteSizes written = new WriteSizes();
        List<Integer> relayed = Collections.synchronizedList(new ArrayList<>());
        Random random = new Random();
        List<NetworkMessage> messages = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            messages.add(new NetworkMessage(i % 2 == 0 ? "inv" : "version", new byte[random.nextInt(1000)]));
        }

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (ServerSocket receiverServer = new ServerSocket(0, 1, Loopback.LOCALHOST);
                 ServerSocket relayServer = new ServerSocket(0, 1, Loopback.LOCALHOST)) {
                Future<ShapedProtocol> receiver = loopback.pool.submit(() -> ShapedProtocol.over(
                        receiverServer.accept(), Loopback.options(Role.RESPONDER, config)));
                Future<?> relay = loopback.pool.submit(() -> relay(relayServer,
                        (InetSocketAddress) receiverServer.getLocalSocketAddress(), relayed));
                ConnectionOptions senderOptions = Loopback.options(Role.INITIATOR, config).recorder(written);
                InetSocketAddress relayAddress = (InetSocketAddress) relayServer.getLocalSocketAddress();
                Endpoint sender = senderKind == Kind.BLOCKING
                        ? Endpoint.of(ShapedProtocol.over(new Socket(Loopback.LOCALHOST, relayAddress.getPort()),
                                senderOptions))
                        : Endpoint.of(AsyncShapedProtocol.handshake(loopback.openAsync(relayAddress), senderOptions)
                                .get());
                try (ShapedProtocol r = receiver.get(); sender) {
                    awaitRelayed(relayed, written.total()); // the handshake's last write reached the relay alone
                    for (NetworkMessage m : messages) {
                        sender.send(m);
                        sender.flush();
                        awaitRelayed(relayed, written.total()); // so that the relay reads each write alone
                    }
                    for (NetworkMessage m : messages) {
                        assertEquals(m, r.read());
                    }
                }
                relay.get();
            }
        });

        List<Integer> sent = written.last(MESSAGES);
        List<Integer> seen;
        synchronized (relayed) {
            seen = new ArrayList<>(relayed.subList(relayed.size() - MESSAGES, relayed.size()));
        }
        assertEquals(sent, seen, "the relay's reads are the driver's writes");
        for (int i = 0; i < MESSAGES; i++) {
            int genuineWire = V2MessageCodec.encode(messages.get(i)).length + ProtocolLimits.PACKET_OVERHEAD;
            int extra = seen.get(i) - genuineWire;
            if (padding) {
                assertTrue(extra >= 1 + ProtocolLimits.PACKET_OVERHEAD && extra <= 1024 + ProtocolLimits.PACKET_OVERHEAD,
                        "write " + i + " = genuine " + genuineWire + " + padding decoy, got " + seen.get(i));
            } else {
                assertEquals(0, extra, "write " + i + " is the bare genuine packet");
            }
        }
    }

    /** Forwards both ways, recording the size of each read from the sender; ends when either side closes. */
    private static Void relay(ServerSocket server, InetSocketAddress receiver, List<Integer> sizes) throws Exception {
        try (Socket fromSender = server.accept(); Socket toReceiver = new Socket(receiver.getAddress(),
                receiver.getPort())) {
            fromSender.setTcpNoDelay(true);
            toReceiver.setTcpNoDelay(true);
            Future<?> back = loopback.pool.submit(() -> copy(toReceiver.getInputStream(),
                    fromSender.getOutputStream(), null));
            copy(fromSender.getInputStream(), toReceiver.getOutputStream(), sizes);
            back.get(); // ends when the receiver closes
        }
        return null;
    }

    /** Waits (bounded) until the relay has read {@code bytes} bytes from the sender in all. */
    private static void awaitRelayed(List<Integer> sizes, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (sizes) {
            while (sizes.stream().mapToLong(Integer::longValue).sum() < bytes) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the relay read " + sizes + ", not " + bytes + " bytes");
                }
                sizes.wait(left);
            }
        }
    }

    private static Void copy(InputStream in, OutputStream out, List<Integer> sizes) {
        byte[] buf = new byte[256 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (sizes != null) {
                    synchronized (sizes) {
                        sizes.add(n);
                        sizes.notifyAll();
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // one side went away: the relay ends
        }
        return null;
    }

    /** Records the size of every outbound write the engine hands the driver. */
    private static final class WriteSizes implements TraceRecorder {
        private final List<Integer> sizes = new ArrayList<>();

        @Override
        public void message(long timeNanos, Direction direction, String type, int payloadLength) {
        }

        @Override
        public synchronized void write(long timeNanos, Direction direction, int bytes) {
            if (direction == Direction.OUTBOUND) {
                sizes.add(bytes);
            }
        }

        synchronized long total() {
            return sizes.stream().mapToLong(Integer::longValue).sum();
        }

        synchronized List<Integer> last(int n) {
            return new ArrayList<>(sizes.subList(sizes.size() - n, sizes.size()));
        }
    }
}

package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bip324shaper.core.message.MessageTypes;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.PaddingStrategy;
import org.bip324shaper.core.shaping.RandomDecoys;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.testing.Await;
import org.bip324shaper.driver.Loopback.Kind;
import org.bip324shaper.driver.Loopback.Pair;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pairing of the two drivers (blocking and async, either one as initiator) with every shaping combination
 * exchanges a few hundred messages both ways at once over real loopback sockets: each arrives once, in order,
 * byte-exact, and the decoys each side sends are seen by the other's stats.
 */
class CrossDriverExchangeTest {
    private static final int MESSAGES = 250;
    private static final NetworkMessage END = new NetworkMessage("end-of-test", new byte[] {1, 2, 3});
    private static final String[] COMMANDS = {
        "ping", "pong", "inv", "tx", "block", "headers", "getdata", "version", "verack", "sendaddrv2", "wtxidrelay"
    };
    /** Quick background decoys: a decoy on every 2 ms tick, none before the version packet. */
    private static final DecoyStrategy QUICK_DECOYS = new RandomDecoys(Duration.ofMillis(2), 1.0, 1, 256, 0);

    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    static Stream<Arguments> pairingsAndShapes() {
        List<Arguments> all = new ArrayList<>();
        for (Kind initiator : Kind.values()) {
            for (Kind responder : Kind.values()) {
                for (PaddingStrategy padding : List.of(PaddingStrategy.DISABLED, PaddingStrategy.RANDOM)) {
                    for (DecoyStrategy decoys : List.of(DecoyStrategy.DISABLED, QUICK_DECOYS)) {
                        all.add(Arguments.of(initiator, responder, padding == PaddingStrategy.RANDOM,
                                decoys != DecoyStrategy.DISABLED));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}, padding {2}, decoys {3}")
    @MethodSource("pairingsAndShapes")
    void everyMessageArrivesOnceInOrderBothWays(Kind initiatorKind, Kind responderKind, boolean padding,
                                                boolean decoys) throws Exception {
        TrafficConfig config = TrafficConfig.builder()
                .padding(padding ? PaddingStrategy.RANDOM : PaddingStrategy.DISABLED)
                .decoys(decoys ? QUICK_DECOYS : DecoyStrategy.DISABLED).build();
        long seed = new Random().nextLong();
        List<NetworkMessage> toResponder = messages(new Random(seed));
        List<NetworkMessage> toInitiator = messages(new Random(~seed));

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pair pair = loopback.connect(initiatorKind, responderKind, config)) {
                assertArrayEquals(pair.initiator().sessionId(), pair.responder().sessionId());
                assertEquals(32, pair.initiator().sessionId().length);

                Future<Long> initiatorSent = loopback.pool.submit(() -> sendAll(pair.initiator(), toResponder, decoys));
                Future<Long> responderSent = loopback.pool.submit(() -> sendAll(pair.responder(), toInitiator, decoys));
                Future<List<NetworkMessage>> atResponder = loopback.pool.submit(() -> receiveAll(pair.responder()));
                Future<List<NetworkMessage>> atInitiator = loopback.pool.submit(() -> receiveAll(pair.initiator()));

                // the senders first: one that fails never sends the end marker its receiver waits for
                long initiatorDecoys = initiatorSent.get();
                long responderDecoys = responderSent.get();
                assertEquals(toResponder, atResponder.get(), "initiator -> responder, seed " + seed);
                assertEquals(toInitiator, atInitiator.get(), "responder -> initiator, seed " + seed);
                checkStats(pair.initiator().stats(), responderDecoys, padding, decoys);
                checkStats(pair.responder().stats(), initiatorDecoys, padding, decoys);
            }
        });
    }

    /**
     * Sends every message, then (with decoys) waits for a tick decoy to go out, then the end marker.
     *
     * @return decoy packets written before the end marker: the peer must have read at least these
     */
    private static long sendAll(Endpoint e, List<NetworkMessage> messages, boolean decoys) throws Exception {
        for (NetworkMessage m : messages) {
            e.send(m);
        }
        e.flush();
        long decoysWritten = e.stats().snapshot().written().decoyPackets();
        if (decoys) {
            long before = decoysWritten;
            Await.until("a tick decoy went out after the messages",
                    () -> e.stats().snapshot().written().decoyPackets() > before);
            decoysWritten = e.stats().snapshot().written().decoyPackets();
        }
        e.send(END);
        e.flush();
        return decoysWritten;
    }

    private static List<NetworkMessage> receiveAll(Endpoint e) throws Exception {
        List<NetworkMessage> received = new ArrayList<>();
        for (NetworkMessage m = e.receive(); !m.equals(END); m = e.receive()) {
            received.add(m);
        }
        return received;
    }

    private static void checkStats(TrafficStats stats, long peerDecoysBeforeEnd, boolean padding, boolean decoys) {
        TrafficStats.Totals read = stats.snapshot().read();
        assertEquals(MESSAGES + 1, read.genuinePackets(), "genuine packets read");
        assertTrue(read.decoyPackets() >= peerDecoysBeforeEnd, "read " + read.decoyPackets()
                + " decoys, peer wrote " + peerDecoysBeforeEnd + " before its last message");
        if (padding) {
            // the end marker's padding follows it and may still be unread
            assertTrue(read.decoyPackets() >= MESSAGES, "one padding decoy per genuine packet");
        }
        if (decoys) {
            assertTrue(read.decoyBytes() > 0, "background decoys seen");
        }
        if (!padding && !decoys) {
            assertEquals(0, read.decoyBytes(), "no decoys when shaping is off");
            assertEquals(0, read.garbageBytes(), "no garbage when shaping is off");
        }
    }

    /** Random commands and sizes: the first payload empty, two of about 1 MiB, the rest mostly small. */
    static List<NetworkMessage> messages(Random random) {
        List<NetworkMessage> list = new ArrayList<>(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            int size;
            if (i == 0) {
                size = 0;
            } else if (i == MESSAGES / 3 || i == 2 * MESSAGES / 3) {
                size = (1 << 20) - random.nextInt(64);
            } else if (random.nextInt(10) == 0) {
                size = random.nextInt(70_000);
            } else {
                size = random.nextInt(600);
            }
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            list.add(new NetworkMessage(COMMANDS[random.nextInt(COMMANDS.length)], payload));
        }
        return list;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("org.bip324shaper.driver.Loopback#pairings")
    void rawContentsRoundTripAndUnknownIdsAreSkipped(Kind initiatorKind, Kind responderKind) throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(initiatorKind, responderKind, TrafficConfig.DEFAULT)) {
                Random random = new Random();
                byte[] unknownShortId = {(byte) 0xf0, 9, 9};
                byte[] empty = {};
                byte[] ping = new byte[9];
                random.nextBytes(ping);
                ping[0] = (byte) MessageTypes.shortId("ping").getAsInt();
                pair.initiator().sendContents(unknownShortId);
                pair.initiator().sendContents(empty);
                pair.initiator().sendContents(ping);
                assertArrayEquals(unknownShortId, pair.responder().receiveContents());
                assertArrayEquals(empty, pair.responder().receiveContents());
                assertArrayEquals(ping, pair.responder().receiveContents());

                // read() skips a packet with an unknown short id and delivers the next message
                NetworkMessage tx = new NetworkMessage("tx", new byte[] {1, 2});
                pair.responder().sendContents(unknownShortId);
                pair.responder().send(tx);
                pair.responder().flush();
                assertEquals(tx, pair.initiator().receive());

                // empty contents have no message type: read() drops them, as Bitcoin Core does, and goes on
                pair.responder().sendContents(empty);
                pair.responder().send(tx);
                pair.responder().flush();
                assertEquals(tx, pair.initiator().receive());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oversizeContentsAreRefusedBeforeAnythingIsSent(Kind kind) throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Pair pair = loopback.connect(kind, kind, TrafficConfig.DEFAULT)) {
                byte[] tooBig = new byte[4_000_014];
                assertThrows(IllegalArgumentException.class, () -> pair.initiator().sendContents(tooBig));
                NetworkMessage after = new NetworkMessage("ping", new byte[8]);
                pair.initiator().send(after);
                pair.initiator().flush();
                assertEquals(after, pair.responder().receive());
                assertEquals(1, pair.responder().stats().snapshot().read().genuinePackets());
            }
        });
    }
}

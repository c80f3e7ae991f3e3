package org.bip324shaper.core.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.GarbageTerminatorNotFoundException;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.core.WrongNetworkException;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.packet.Packet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Feeds {@code bytes} in random chunks (1 byte up to everything) and returns what was not consumed. */
    private static byte[] feedChunked(Handshake hs, byte[] bytes, Random chunking) throws Bip324Exception {
        int pos = 0;
        while (pos < bytes.length && !hs.isComplete()) {
            int n = 1 + chunking.nextInt(Math.min(bytes.length - pos, chunking.nextBoolean() ? 3 : 700));
            ByteBuffer chunk = ByteBuffer.wrap(bytes, pos, n);
            hs.receive(chunk);
            pos += n - chunk.remaining();
            if (chunk.hasRemaining()) {
                assertTrue(hs.isComplete(), "bytes left unconsumed although the handshake is not complete");
            }
        }
        return Arrays.copyOfRange(bytes, pos, bytes.length);
    }

    private static List<Integer> randomDecoys(Random r) {
        List<Integer> decoys = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            decoys.add(r.nextInt(1025));
        }
        return decoys;
    }

    /** Runs both sides to completion with random garbage, decoys and chunking; returns {initiator, responder}. */
    static Session[] connect(Network network, long seed) throws Bip324Exception {
        Random r = new Random(seed);
        Handshake initiator = Handshake.builder(Role.INITIATOR, network)
                .garbageLength(r.nextInt(Handshake.MAX_GARBAGE_LENGTH + 1))
                .decoysBeforeVersion(randomDecoys(r)).random(RANDOM).build();
        Handshake responder = Handshake.builder(Role.RESPONDER, network)
                .garbageLength(r.nextInt(Handshake.MAX_GARBAGE_LENGTH + 1))
                .decoysBeforeVersion(randomDecoys(r)).random(RANDOM).build();
        assertFalse(responder.hasOutbound(), "a responder must wait for the v1 check before sending");
        for (int round = 0; round < 10 && !(initiator.isComplete() && responder.isComplete()); round++) {
            byte[] toResponder = initiator.takeOutbound();
            assertEquals(0, feedChunked(responder, toResponder, r).length);
            byte[] toInitiator = responder.takeOutbound();
            assertEquals(0, feedChunked(initiator, toInitiator, r).length);
        }
        assertTrue(initiator.isComplete(), "initiator " + initiator.state());
        assertTrue(responder.isComplete(), "responder " + responder.state());
        return new Session[] {initiator.finish(), responder.finish()};
    }

    @RepeatedTest(20)
    void bothRolesAgreeUnderRandomGarbageDecoysAndChunking() throws Exception {
        long seed = RANDOM.nextLong();
        Session[] s = connect(Network.MAINNET, seed);
        assertArrayEquals(s[0].sessionId(), s[1].sessionId(), "seed " + seed);
        assertEquals(Role.INITIATOR, s[0].role());
        assertEquals(Role.RESPONDER, s[1].role());
        // The handshake's packet counters carry on: messages flow both ways after it.
        for (Session[] pair : new Session[][] {{s[0], s[1]}, {s[1], s[0]}}) {
            byte[] contents = new byte[1 + new Random(seed).nextInt(5000)];
            RANDOM.nextBytes(contents);
            byte[] wire = pair[0].encoder().encode(contents, false, null);
            Packet p = pair[1].decoder().decode(ByteBuffer.wrap(wire));
            assertNotNull(p);
            assertFalse(p.ignore());
            assertArrayEquals(contents, p.contents());
        }
    }

    @Test
    void summaryCountsGarbageAndDecoysBothWays() throws Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.REGTEST).garbageLength(100)
                .decoysBeforeVersion(List.of(5, 0, 700)).build();
        Handshake r = Handshake.builder(Role.RESPONDER, Network.REGTEST).garbageLength(4095).build();
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        i.receive(ByteBuffer.wrap(r.takeOutbound()));
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        HandshakeSummary is = i.finish().handshakeSummary();
        HandshakeSummary rs = r.finish().handshakeSummary();
        assertEquals(new HandshakeSummary(100, 3, 5 + 0 + 700 + 60, 4095, 0, 0), is);
        assertEquals(new HandshakeSummary(4095, 0, 0, 100, 3, 5 + 0 + 700 + 60), rs);
    }

    @Test
    void receiveStopsAtTheVersionPacketAndLeavesTheRestForTheSession() throws Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).build();
        Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).build();
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        i.receive(ByteBuffer.wrap(r.takeOutbound()));
        Session initiator = i.finish();
        byte[] hello = "first message".getBytes(StandardCharsets.US_ASCII);
        byte[] rest = initiator.encoder().encode(hello, false, null);
        byte[] flight = i.takeOutbound();
        ByteBuffer both = ByteBuffer.allocate(flight.length + rest.length).put(flight).put(rest).flip();
        r.receive(both);
        assertTrue(r.isComplete());
        assertEquals(rest.length, both.remaining(), "handshake consumed bytes past the version packet");
        Packet p = r.finish().decoder().decode(both);
        assertArrayEquals(hello, p.contents());
    }

    @Test
    void finishIsOnceAndOnlyWhenComplete() throws Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).build();
        assertThrows(HandshakeStateException.class, i::finish);
        Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).build();
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        i.receive(ByteBuffer.wrap(r.takeOutbound()));
        assertNotNull(i.finish());
        assertThrows(HandshakeStateException.class, i::finish);
    }

    @Test
    void builderRejectsOutOfRangeGarbage() {
        Handshake.Builder b = Handshake.builder(Role.INITIATOR, Network.MAINNET);
        assertThrows(IllegalArgumentException.class, () -> b.garbageLength(4096));
        assertThrows(IllegalArgumentException.class, () -> b.garbageLength(-1));
        assertThrows(IllegalArgumentException.class, () -> b.decoysBeforeVersion(List.of(-3)));
    }

    @Test
    void moreThan4095BytesOfGarbageWithoutTerminatorFails() throws Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).build();
        i.takeOutbound();
        Handshake other = Handshake.builder(Role.INITIATOR, Network.MAINNET).build();
        byte[] key = Arrays.copyOf(other.takeOutbound(), 64);
        byte[] garbage = new byte[4095 + 16];
        RANDOM.nextBytes(garbage);
        i.receive(ByteBuffer.wrap(key));
        ByteBuffer g = ByteBuffer.wrap(garbage);
        GarbageTerminatorNotFoundException e =
                assertThrows(GarbageTerminatorNotFoundException.class, () -> i.receive(g));
        assertTrue(e.getMessage().contains("4095"));
        assertEquals(HandshakeState.FAILED, i.state());
        assertThrows(HandshakeStateException.class, () -> i.receive(ByteBuffer.wrap(new byte[1])));
    }

    @Test
    void exactly4095BytesOfGarbageThenTerminatorSucceeds() throws Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).garbageLength(4095).build();
        Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).garbageLength(4095).build();
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        i.receive(ByteBuffer.wrap(r.takeOutbound()));
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        assertTrue(i.isComplete() && r.isComplete());
    }

    /**
     * The responder's answer to an initiator whose key we can rebuild, so each tampering is tried against a fresh
     * initiator that derives the very keys the responder used.
     */
    private static final class Replay {
        final byte[] secret = new byte[32];
        final EllSwiftPublicKey encoding;
        final byte[] flight;

        Replay(int garbageLength, List<Integer> decoys) throws Bip324Exception {
            RANDOM.nextBytes(secret);
            secret[0] &= 0x7f; // below the group order
            EllSwiftPrivateKey key = EllSwiftPrivateKey.fromSecret(secret, RANDOM);
            encoding = key.publicKey();
            Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).privateKey(key).build();
            Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).garbageLength(garbageLength)
                    .decoysBeforeVersion(decoys).build();
            r.receive(ByteBuffer.wrap(i.takeOutbound()));
            flight = r.takeOutbound();
        }

        Handshake freshInitiator() {
            Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET)
                    .privateKey(EllSwiftPrivateKey.fromSecretAndEncoding(secret, encoding)).build();
            i.takeOutbound();
            return i;
        }
    }

    @Test
    void replayedInitiatorCompletes() throws Exception {
        Replay replay = new Replay(40, List.of(3));
        Handshake i = replay.freshInitiator();
        i.receive(ByteBuffer.wrap(replay.flight));
        assertTrue(i.isComplete());
    }

    /** Every bit of the responder's flight: key, garbage, terminator, decoy and version packets. */
    @Test
    void flippedBitAnywhereInTheFlightEndsInTheRightException() throws Exception {
        Replay replay = new Replay(40, List.of(3));
        // flight = key(64) | garbage(40) | terminator(16) | decoy packet(23) | version packet(20)
        int garbageEnd = 104;
        int terminatorEnd = 120;
        for (int bit = 0; bit < replay.flight.length * 8; bit++) {
            byte[] tampered = Arrays.copyOf(replay.flight, replay.flight.length + 4200);
            int pos = bit / 8;
            tampered[pos] ^= (byte) (1 << (bit % 8));
            Handshake i = replay.freshInitiator();
            Class<? extends Exception> expected;
            if (pos < 64 || (pos >= garbageEnd && pos < terminatorEnd)) {
                expected = GarbageTerminatorNotFoundException.class;
            } else if (pos < garbageEnd) {
                expected = AuthenticationException.class; // garbage is the first packet's associated data
            } else {
                expected = null; // decided below: packet bytes
            }
            Exception e = null;
            try {
                i.receive(ByteBuffer.wrap(tampered));
            } catch (Exception caught) {
                e = caught;
            }
            String where = "bit " + bit + " (byte " + pos + ")";
            if (expected != null) {
                assertNotNull(e, where);
                assertEquals(expected, e.getClass(), where);
            } else {
                boolean lengthByte = pos < terminatorEnd + 3 || (pos >= terminatorEnd + 23 && pos < terminatorEnd + 26);
                if (e == null) {
                    assertTrue(lengthByte, where + ": a tampered packet body was accepted or left pending");
                    assertFalse(i.isComplete(), where + ": tampered handshake completed");
                } else {
                    assertTrue(e instanceof AuthenticationException || (lengthByte && e instanceof OversizeException),
                            where + ": " + e);
                }
            }
            assertEquals(e == null ? HandshakeState.AWAITING_VERSION : HandshakeState.FAILED, i.state(), where);
        }
    }

    @Test
    void truncatedFlightWaitsAtEveryOffsetThenCompletes() throws Exception {
        Replay replay = new Replay(10, List.of());
        for (int cut = 0; cut < replay.flight.length; cut++) {
            Handshake i = replay.freshInitiator();
            i.receive(ByteBuffer.wrap(replay.flight, 0, cut));
            assertFalse(i.isComplete(), "complete after only " + cut + " bytes");
            i.receive(ByteBuffer.wrap(replay.flight, cut, replay.flight.length - cut));
            assertTrue(i.isComplete(), "not complete after the rest, cut " + cut);
        }
    }

    @EnumSource(Network.class)
    @ParameterizedTest
    void responderDetectsAV1PeerOfItsNetwork(Network network) {
        byte[] header = v1VersionHeader(network);
        for (int chunk : new int[] {1, 5, header.length}) {
            Handshake r = Handshake.builder(Role.RESPONDER, network).build();
            V1PeerException e = assertThrows(V1PeerException.class, () -> {
                for (int pos = 0; pos < header.length; pos += chunk) {
                    r.receive(ByteBuffer.wrap(header, pos, Math.min(chunk, header.length - pos)));
                }
            });
            assertEquals(network, e.network());
            assertArrayEquals(Arrays.copyOf(header, 16), e.receivedBytes());
            assertFalse(r.hasOutbound(), "a responder must not send its key to a v1 peer");
        }
    }

    @Test
    void responderReportsAV1PeerOfAnotherNetwork() {
        Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).build();
        WrongNetworkException e = assertThrows(WrongNetworkException.class,
                () -> r.receive(ByteBuffer.wrap(v1VersionHeader(Network.TESTNET4))));
        assertEquals(Network.MAINNET, e.expected());
        assertEquals(Network.TESTNET4, e.actual());
    }

    @Test
    void magicFollowedByAnotherCommandIsNotV1() throws Exception {
        // Only a version message opens a v1 connection; "verack" after the magic is just key bytes.
        Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).build();
        byte[] bytes = v1VersionHeader(Network.MAINNET);
        System.arraycopy("verack\0".getBytes(StandardCharsets.US_ASCII), 0, bytes, 4, 7);
        r.receive(ByteBuffer.wrap(bytes, 0, 16));
        assertEquals(HandshakeState.AWAITING_KEY, r.state());
        assertTrue(r.hasOutbound());
        assertEquals(64, r.takeOutbound().length);
    }

    @Test
    void wrongNetworkV2PeersNeverAgree() throws Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).build();
        Handshake r = Handshake.builder(Role.RESPONDER, Network.SIGNET).build();
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        // Different salts give different terminators: the initiator never finds the responder's.
        byte[] flight = r.takeOutbound();
        Exception e = assertThrows(Bip324Exception.class, () -> {
            i.receive(ByteBuffer.wrap(flight));
            i.receive(ByteBuffer.wrap(new byte[4096]));
        });
        assertTrue(e instanceof GarbageTerminatorNotFoundException, e.toString());
    }

    private static byte[] v1VersionHeader(Network network) {
        ByteBuffer b = ByteBuffer.allocate(24);
        b.put(network.magicBytes());
        b.put("version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(0x66000000);
        b.putInt(0x12345678);
        return b.array();
    }

    @Test
    void delegatedKeyWorkWaitsForTheKeyAndTheKeyExchange() throws Bip324Exception {
        Handshake i = Handshake.builder(Role.INITIATOR, Network.MAINNET).delegateKeyWork(true).build();
        Handshake r = Handshake.builder(Role.RESPONDER, Network.MAINNET).delegateKeyWork(true).build();
        assertFalse(i.hasKey());
        assertFalse(i.hasOutbound(), "no key, nothing to send");
        assertThrows(HandshakeStateException.class, () -> r.receive(ByteBuffer.allocate(64)));
        i.supplyKey(EllSwiftPrivateKey.generate(RANDOM));
        r.supplyKey(EllSwiftPrivateKey.generate(RANDOM));
        assertThrows(HandshakeStateException.class, () -> i.supplyKey(EllSwiftPrivateKey.generate(RANDOM)));

        ByteBuffer toResponder = ByteBuffer.wrap(i.takeOutbound());
        r.receive(toResponder);
        assertEquals(HandshakeState.AWAITING_KEY_EXCHANGE, r.state());
        byte[] rKey = r.takeOutbound();
        assertEquals(64, rKey.length, "only the key: the terminator needs the key exchange");
        r.completeKeyExchange(r.keyExchange().derive());
        assertEquals(HandshakeState.AWAITING_GARBAGE_TERMINATOR, r.state());
        assertThrows(HandshakeStateException.class, r::keyExchange);

        ByteBuffer toInitiator = ByteBuffer.wrap(concat(rKey, r.takeOutbound()));
        i.receive(toInitiator);
        assertEquals(HandshakeState.AWAITING_KEY_EXCHANGE, i.state());
        assertEquals(64, toInitiator.position(), "nothing past the key before the key exchange");
        i.receive(toInitiator);
        assertEquals(64, toInitiator.position());
        i.completeKeyExchange(i.keyExchange().derive());
        i.receive(toInitiator);
        assertTrue(i.isComplete());
        r.receive(ByteBuffer.wrap(i.takeOutbound()));
        assertTrue(r.isComplete());
        assertArrayEquals(i.finish().sessionId(), r.finish().sessionId());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package org.bip324shaper.core.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.internal.packet.Packet;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.core.testing.Chunks;
import org.bip324shaper.core.testing.FuzzSeedWriter;

/**
 * Fuzz targets for {@link Handshake} in both roles. Our side always uses the same key and garbage, so a genuine peer's
 * bytes can be computed once ({@link Transcript}) and then chunked and damaged at will; the arbitrary-bytes target
 * starts from those same transcripts in its seed corpus.
 */
class HandshakeFuzzTest {
    static final Network NETWORK = Network.MAINNET;
    private static final byte[] OUR_SECRET = secret(7);
    private static final byte[] PEER_SECRET = secret(77);
    private static final byte[] APP_CONTENTS = {18, 1, 2, 3, 4, 5, 6, 7, 8}; // a ping with an 8-byte nonce

    /** The peer's garbage length and decoys, per transcript variant. */
    private static final int[][] VARIANTS = {{0}, {100, 0, 50}, {Handshake.MAX_GARBAGE_LENGTH, 300}};
    static final Transcript[][] TRANSCRIPTS = new Transcript[2][VARIANTS.length];

    static {
        for (Role role : Role.values()) {
            for (int v = 0; v < VARIANTS.length; v++) {
                TRANSCRIPTS[role.ordinal()][v] = Transcript.of(role, VARIANTS[v]);
            }
        }
    }

    /**
     * What a genuine peer sends to our side of the given role: its handshake bytes (up to the end of its version
     * packet), followed by one application packet.
     */
    record Transcript(Role ourRole, byte[] bytes, int handshakeEnd, byte[] sessionId) {
        static Transcript of(Role ourRole, int[] variant) {
            try {
                Handshake ours = ours(ourRole);
                Role peerRole = ourRole.isInitiator() ? Role.RESPONDER : Role.INITIATOR;
                List<Integer> decoys = Arrays.stream(variant, 1, variant.length).boxed().toList();
                Handshake peer = Handshake.builder(peerRole, NETWORK).garbageLength(variant[0])
                        .decoysBeforeVersion(decoys).random(new DeterministicRandom(99))
                        .privateKey(EllSwiftPrivateKey.fromSecret(PEER_SECRET, new DeterministicRandom(98))).build();
                ByteArrayOutputStream fromPeer = new ByteArrayOutputStream();
                for (int round = 0; round < 4 && !(ours.isComplete() && peer.isComplete()); round++) {
                    peer.receive(ByteBuffer.wrap(ours.takeOutbound()));
                    byte[] out = peer.takeOutbound();
                    fromPeer.writeBytes(out);
                    ours.receive(ByteBuffer.wrap(out));
                }
                Session peerSession = peer.finish();
                int end = fromPeer.size();
                fromPeer.writeBytes(peerSession.encoder().encode(APP_CONTENTS, false, null));
                return new Transcript(ourRole, fromPeer.toByteArray(), end, ours.finish().sessionId());
            } catch (Bip324Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Our side: the same key, key encoding and garbage every time. */
    static Handshake ours(Role role) {
        return Handshake.builder(role, NETWORK).garbageLength(33).random(new DeterministicRandom(2))
                .privateKey(EllSwiftPrivateKey.fromSecret(OUR_SECRET, new DeterministicRandom(1))).build();
    }

    /**
     * A genuine peer's bytes, maybe damaged once (one byte changed, the stream cut, or bytes inserted), under any
     * chunking. The handshake completes exactly when its part of the stream is intact, then it has consumed exactly
     * that part, agrees on the session id, and the application packet that follows decodes.
     */
    @FuzzTest(maxDuration = "60s")
    void genuinePeerAnyChunking(FuzzedDataProvider d) throws Bip324Exception {
        Role role = d.consumeBoolean() ? Role.INITIATOR : Role.RESPONDER;
        Transcript t = TRANSCRIPTS[role.ordinal()][d.consumeInt(0, VARIANTS.length - 1)];
        byte[] stream = t.bytes().clone();
        boolean intact = true;
        switch (d.consumeInt(0, 3)) {
            case 1 -> {
                int at = d.consumeInt(0, stream.length - 1);
                stream[at] ^= (byte) d.consumeInt(1, 255);
                intact = at >= t.handshakeEnd();
            }
            case 2 -> {
                int cut = d.consumeInt(0, stream.length - 1);
                stream = Arrays.copyOf(stream, cut);
                intact = cut >= t.handshakeEnd();
            }
            case 3 -> {
                int at = d.consumeInt(0, stream.length);
                byte[] inserted = d.consumeBytes(d.consumeInt(1, 64));
                if (inserted.length > 0) {
                    ByteBuffer b = ByteBuffer.allocate(stream.length + inserted.length);
                    stream = b.put(stream, 0, at).put(inserted).put(stream, at, stream.length - at).array();
                    intact = at >= t.handshakeEnd();
                }
            }
            default -> {
            }
        }
        boolean appIntact = Arrays.equals(stream, t.bytes());
        byte[] plan = d.consumeRemainingAsBytes();
        Handshake hs = ours(role);
        int consumed = 0;
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        Bip324Exception failure = null;
        try {
            for (ByteBuffer piece : Chunks.split(stream, plan)) {
                if (hs.isComplete()) {
                    rest.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
                    continue;
                }
                int before = piece.remaining();
                hs.receive(piece);
                consumed += before - piece.remaining();
                if (piece.hasRemaining()) {
                    assertTrue(hs.isComplete(), "bytes left over before the handshake completed");
                    rest.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
                }
            }
        } catch (Bip324Exception e) {
            failure = e;
            assertEquals(HandshakeState.FAILED, hs.state());
            assertThrows(HandshakeStateException.class, () -> hs.receive(ByteBuffer.allocate(1)));
        }
        if (!intact) {
            assertFalse(hs.isComplete(), "completed on a damaged handshake");
            return;
        }
        assertEquals(null, failure, "an intact handshake failed");
        assertTrue(hs.isComplete(), "an intact handshake did not complete: " + hs.state());
        assertEquals(t.handshakeEnd(), consumed, "bytes consumed by the handshake");
        Session session = hs.finish();
        assertArrayEquals(t.sessionId(), session.sessionId());
        if (appIntact) {
            Packet app = session.decoder().decode(ByteBuffer.wrap(rest.toByteArray()));
            assertNotNull(app, "the application packet after the handshake was lost");
            assertArrayEquals(APP_CONTENTS, app.contents());
        }
    }

    /**
     * Input: role bit, one chunk-plan byte, then the peer's bytes. Whatever arrives, the handshake throws only
     * {@link Bip324Exception}s, consumes everything it is given until it completes, and is unusable after failing.
     */
    @FuzzTest(maxDuration = "60s")
    void arbitraryBytes(byte[] data) {
        if (data.length < 2) {
            return;
        }
        Role role = (data[0] & 1) == 0 ? Role.INITIATOR : Role.RESPONDER;
        byte[] plan = {data[1]};
        Handshake hs = ours(role);
        if (role.isInitiator()) {
            assertEquals(64 + 33, hs.takeOutbound().length, "initiator's key and garbage");
        } else {
            assertFalse(hs.hasOutbound(), "a responder speaks only after the v1 check");
        }
        try {
            for (ByteBuffer piece : Chunks.split(Arrays.copyOfRange(data, 2, data.length), plan)) {
                hs.receive(piece);
                if (hs.isComplete()) {
                    Session s = hs.finish();
                    assertEquals(32, s.sessionId().length);
                    assertThrows(HandshakeStateException.class, hs::finish);
                    return;
                }
                assertFalse(piece.hasRemaining(), "bytes left over before the handshake completed");
            }
        } catch (Bip324Exception e) {
            assertEquals(HandshakeState.FAILED, hs.state());
            assertThrows(HandshakeStateException.class, () -> hs.receive(ByteBuffer.allocate(1)));
        }
    }

    private static byte[] secret(int first) {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (first + 3 * i);
        }
        return s;
    }

    /** Repeatable bytes for keys and garbage, so that a transcript stays valid; never use outside tests. */
    static final class DeterministicRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient SplittableRandom source;

        DeterministicRandom(long seed) {
            this.source = new SplittableRandom(seed);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            source.nextBytes(bytes);
        }
    }

    /** The seed corpus (see {@link FuzzSeedWriter}). */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new TreeMap<>();
        FuzzSeedWriter.addRandomSeeds(s, "genuinePeerAnyChunking");
        for (Role role : Role.values()) {
            for (int v = 0; v < VARIANTS.length; v++) {
                byte plan = v == 0 ? 0 : (byte) 0x3f; // 1-byte or 64-byte pieces
                s.put("arbitraryBytes/genuine-" + role.name().toLowerCase() + "-variant-" + v,
                        FuzzSeedWriter.concat(new byte[] {(byte) role.ordinal(), plan},
                                TRANSCRIPTS[role.ordinal()][v].bytes()));
            }
        }
        byte[] version = new byte[102];
        s.put("arbitraryBytes/v1-version-to-responder", FuzzSeedWriter.concat(new byte[] {1, 0x3f},
                new V1FrameEncoder(NETWORK).encode(new NetworkMessage("version", version))));
        s.put("arbitraryBytes/regtest-v1-version-to-responder", FuzzSeedWriter.concat(new byte[] {1, 2},
                new V1FrameEncoder(Network.REGTEST).encode(new NetworkMessage("version", version))));
        s.put("arbitraryBytes/random-key-to-initiator",
                FuzzSeedWriter.concat(new byte[] {0, 0x3f}, FuzzSeedWriter.randomBytes(5, 64 + 200)));
        return s;
    }
}

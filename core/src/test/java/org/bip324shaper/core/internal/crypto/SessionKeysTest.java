package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SessionKeysTest {
    static List<Map<String, String>> rows() {
        return Vectors.rows("packet_encoding_test_vectors.csv");
    }

    @ParameterizedTest(name = "vector row {index}")
    @MethodSource("rows")
    void derivesEveryKeyOfTheOfficialVectors(Map<String, String> row) {
        boolean initiating = row.get("in_initiating").equals("1");
        SessionKeys keys = SessionKeys.derive(Hex.decode(row.get("mid_shared_secret")), Network.MAINNET, initiating);

        assertEquals(initiating, keys.initiator());
        assertEquals(row.get("mid_initiator_l"), Hex.encode(keys.initiatorLengthKey()));
        assertEquals(row.get("mid_initiator_p"), Hex.encode(keys.initiatorPacketKey()));
        assertEquals(row.get("mid_responder_l"), Hex.encode(keys.responderLengthKey()));
        assertEquals(row.get("mid_responder_p"), Hex.encode(keys.responderPacketKey()));
        assertEquals(row.get("mid_send_garbage_terminator"), Hex.encode(keys.sendGarbageTerminator()));
        assertEquals(row.get("mid_recv_garbage_terminator"), Hex.encode(keys.recvGarbageTerminator()));
        assertEquals(row.get("out_session_id"), Hex.encode(keys.sessionId()));

        String ours = initiating ? "initiator" : "responder";
        String theirs = initiating ? "responder" : "initiator";
        assertEquals(row.get("mid_" + ours + "_l"), Hex.encode(keys.sendLengthKey()));
        assertEquals(row.get("mid_" + ours + "_p"), Hex.encode(keys.sendPacketKey()));
        assertEquals(row.get("mid_" + theirs + "_l"), Hex.encode(keys.recvLengthKey()));
        assertEquals(row.get("mid_" + theirs + "_p"), Hex.encode(keys.recvPacketKey()));
    }

    @Test
    void bothSidesAgreeWithRolesSwapped() {
        byte[] secret = Hex.decode(rows().get(0).get("mid_shared_secret"));
        SessionKeys initiator = SessionKeys.derive(secret, Network.SIGNET, true);
        SessionKeys responder = SessionKeys.derive(secret, Network.SIGNET, false);
        assertArrayEquals(initiator.sendLengthKey(), responder.recvLengthKey());
        assertArrayEquals(initiator.sendPacketKey(), responder.recvPacketKey());
        assertArrayEquals(initiator.recvLengthKey(), responder.sendLengthKey());
        assertArrayEquals(initiator.recvPacketKey(), responder.sendPacketKey());
        assertArrayEquals(initiator.sendGarbageTerminator(), responder.recvGarbageTerminator());
        assertArrayEquals(initiator.recvGarbageTerminator(), responder.sendGarbageTerminator());
        assertArrayEquals(initiator.sessionId(), responder.sessionId());
    }

    @Test
    void theNetworkMagicSaltsEveryOutput() {
        byte[] secret = Hex.decode(rows().get(0).get("mid_shared_secret"));
        SessionKeys main = SessionKeys.derive(secret, Network.MAINNET, true);
        for (Network other : List.of(Network.TESTNET3, Network.TESTNET4, Network.SIGNET, Network.REGTEST)) {
            SessionKeys keys = SessionKeys.derive(secret, other, true);
            assertNotEquals(Hex.encode(main.sessionId()), Hex.encode(keys.sessionId()), other.id());
            assertNotEquals(Hex.encode(main.sendPacketKey()), Hex.encode(keys.sendPacketKey()), other.id());
            assertNotEquals(Hex.encode(main.sendLengthKey()), Hex.encode(keys.sendLengthKey()), other.id());
            assertNotEquals(Hex.encode(main.sendGarbageTerminator()), Hex.encode(keys.sendGarbageTerminator()));
        }
    }

    @Test
    void accessorsHandOutCopies() {
        SessionKeys keys = SessionKeys.derive(new byte[32], Network.MAINNET, true);
        byte[] first = keys.sendPacketKey();
        first[0] ^= 1;
        assertNotEquals(Hex.encode(first), Hex.encode(keys.sendPacketKey()));
    }

    @Test
    void destroyMakesTheKeysUnavailable() {
        SessionKeys keys = SessionKeys.derive(new byte[32], Network.MAINNET, false);
        assertFalse(keys.isDestroyed());
        keys.destroy();
        assertTrue(keys.isDestroyed());
        assertThrows(IllegalStateException.class, keys::sendPacketKey);
        assertThrows(IllegalStateException.class, keys::recvLengthKey);
        assertThrows(IllegalStateException.class, keys::sessionId);
        assertThrows(IllegalStateException.class, keys::sendGarbageTerminator);
        assertFalse(keys.toString().matches(".*[0-9a-f]{16}.*"));
    }

    @Test
    void rejectsASecretOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> SessionKeys.derive(new byte[31], Network.MAINNET, true));
        assertThrows(IllegalArgumentException.class, () -> SessionKeys.derive(new byte[33], Network.MAINNET, true));
        assertThrows(NullPointerException.class, () -> SessionKeys.derive(new byte[32], null, true));
    }
}

package org.bip324shaper.core.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.Network;

/**
 * The key schedule of one BIP-324 session: four cipher keys, two garbage terminators and the session id, all derived
 * with HKDF-SHA256 from the ECDH shared secret, salted with {@code "bitcoin_v2_shared_secret" || network magic} so that
 * peers on different networks fail at the first packet.
 *
 * <p>Accessors return copies; {@link #destroy()} zeroes the originals (the copies are the caller's to wipe). The
 * {@code send*}/{@code recv*} accessors pick the initiator's or responder's material according to our role.
 */
public final class SessionKeys implements Destroyable {
    public static final int SHARED_SECRET_LENGTH = 32;
    public static final int KEY_LENGTH = 32;
    public static final int GARBAGE_TERMINATOR_LENGTH = 16;
    public static final int SESSION_ID_LENGTH = 32;

    private static final byte[] SALT_PREFIX = ascii("bitcoin_v2_shared_secret");
    private static final byte[] INFO_INITIATOR_L = ascii("initiator_L");
    private static final byte[] INFO_INITIATOR_P = ascii("initiator_P");
    private static final byte[] INFO_RESPONDER_L = ascii("responder_L");
    private static final byte[] INFO_RESPONDER_P = ascii("responder_P");
    private static final byte[] INFO_GARBAGE_TERMINATORS = ascii("garbage_terminators");
    private static final byte[] INFO_SESSION_ID = ascii("session_id");

    private final boolean initiator;
    private final byte[] initiatorL = new byte[KEY_LENGTH];
    private final byte[] initiatorP = new byte[KEY_LENGTH];
    private final byte[] responderL = new byte[KEY_LENGTH];
    private final byte[] responderP = new byte[KEY_LENGTH];
    /** First half: the initiator's terminator; second half: the responder's. */
    private final byte[] garbageTerminators = new byte[2 * GARBAGE_TERMINATOR_LENGTH];
    private final byte[] sessionId = new byte[SESSION_ID_LENGTH];
    private boolean destroyed;

    private SessionKeys(boolean initiator) {
        this.initiator = initiator;
    }

    /**
     * Runs the BIP-324 key schedule.
     *
     * @param sharedSecret32 the 32-byte output of the BIP-324 ElligatorSwift X-only ECDH (not modified; wipe it yourself)
     * @param network        the network whose magic salts the derivation
     * @param initiator      whether we opened the connection
     * @throws IllegalArgumentException if the secret is not 32 bytes
     */
    public static SessionKeys derive(byte[] sharedSecret32, Network network, boolean initiator) {
        Objects.requireNonNull(sharedSecret32, "sharedSecret32");
        Objects.requireNonNull(network, "network");
        if (sharedSecret32.length != SHARED_SECRET_LENGTH) {
            throw new IllegalArgumentException("shared secret must be " + SHARED_SECRET_LENGTH + " bytes, got "
                    + sharedSecret32.length);
        }
        byte[] salt = Arrays.copyOf(SALT_PREFIX, SALT_PREFIX.length + 4);
        System.arraycopy(network.magicBytes(), 0, salt, SALT_PREFIX.length, 4);

        SessionKeys keys = new SessionKeys(initiator);
        Hkdf hkdf = new Hkdf();
        byte[] prk = hkdf.extract(salt, sharedSecret32);
        try {
            hkdf.expand32(prk, INFO_SESSION_ID, keys.sessionId, 0);
            hkdf.expand32(prk, INFO_INITIATOR_L, keys.initiatorL, 0);
            hkdf.expand32(prk, INFO_INITIATOR_P, keys.initiatorP, 0);
            hkdf.expand32(prk, INFO_RESPONDER_L, keys.responderL, 0);
            hkdf.expand32(prk, INFO_RESPONDER_P, keys.responderP, 0);
            hkdf.expand32(prk, INFO_GARBAGE_TERMINATORS, keys.garbageTerminators, 0);
        } finally {
            Arrays.fill(prk, (byte) 0);
            hkdf.wipe();
        }
        return keys;
    }

    /** Whether these keys are for the side that opened the connection. */
    public boolean initiator() {
        return initiator;
    }

    /** The four directional keys by role, for the official vectors' {@code mid_*} columns. */
    byte[] initiatorLengthKey() {
        return copy(initiatorL);
    }

    byte[] initiatorPacketKey() {
        return copy(initiatorP);
    }

    byte[] responderLengthKey() {
        return copy(responderL);
    }

    byte[] responderPacketKey() {
        return copy(responderP);
    }

    /** The length-cipher key for packets we send. */
    public byte[] sendLengthKey() {
        return copy(initiator ? initiatorL : responderL);
    }

    /** The packet-cipher key for packets we send. */
    public byte[] sendPacketKey() {
        return copy(initiator ? initiatorP : responderP);
    }

    /** The length-cipher key for packets we receive. */
    public byte[] recvLengthKey() {
        return copy(initiator ? responderL : initiatorL);
    }

    /** The packet-cipher key for packets we receive. */
    public byte[] recvPacketKey() {
        return copy(initiator ? responderP : initiatorP);
    }

    /** The 16 bytes we send after our garbage. */
    public byte[] sendGarbageTerminator() {
        return terminator(initiator ? 0 : GARBAGE_TERMINATOR_LENGTH);
    }

    /** The 16 bytes that end the peer's garbage. */
    public byte[] recvGarbageTerminator() {
        return terminator(initiator ? GARBAGE_TERMINATOR_LENGTH : 0);
    }

    /** The 32-byte session id both peers share; Bitcoin Core shows it hex-encoded in {@code getpeerinfo}. */
    public byte[] sessionId() {
        return copy(sessionId);
    }

    @Override
    public void destroy() {
        for (byte[] secret : new byte[][] {initiatorL, initiatorP, responderL, responderP, garbageTerminators, sessionId}) {
            Arrays.fill(secret, (byte) 0);
        }
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "SessionKeys[" + (initiator ? "initiator" : "responder") + (destroyed ? ", destroyed]" : "]");
    }

    private byte[] terminator(int offset) {
        checkAlive();
        return Arrays.copyOfRange(garbageTerminators, offset, offset + GARBAGE_TERMINATOR_LENGTH);
    }

    private byte[] copy(byte[] secret) {
        checkAlive();
        return secret.clone();
    }

    private void checkAlive() {
        if (destroyed) {
            throw new IllegalStateException("session keys were destroyed");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

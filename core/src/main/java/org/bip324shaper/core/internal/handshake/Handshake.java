package org.bip324shaper.core.internal.handshake;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.GarbageTerminatorNotFoundException;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.core.WrongNetworkException;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.bip324shaper.core.internal.packet.Packet;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.core.internal.packet.PacketEncoder;

/**
 * The BIP-324 handshake as a sans-I/O state machine, for either role. Bytes from the peer go in through
 * {@link #receive(ByteBuffer)}; bytes for the peer come out of {@link #takeOutbound()}; nothing here blocks or touches a
 * socket. The caller loops: send what {@link #takeOutbound()} gives, feed what arrives, until {@link #isComplete()},
 * then {@link #finish()} yields the {@link Session}. {@code receive} never consumes past the peer's version packet, so
 * whatever is left in the buffer belongs to the session.
 *
 * <p>With {@link Builder#delegateKeyWork(boolean)} the curve work leaves the handshake: the key is supplied later
 * ({@link #supplyKey}), and once the peer's key is in, {@link #receive} stops at
 * {@link HandshakeState#AWAITING_KEY_EXCHANGE} until the caller runs {@link #keyExchange()} (on any thread: it holds
 * no handshake state) and hands the result to {@link #completeKeyExchange}.
 *
 * <p>Not thread-safe: one handshake is driven by one thread at a time.
 */
public final class Handshake {
    /** The most garbage either side may send before its terminator. */
    public static final int MAX_GARBAGE_LENGTH = ProtocolLimits.MAX_GARBAGE_LENGTH;
    static final int KEY_LENGTH = 64;
    static final int TERMINATOR_LENGTH = 16;
    private static final byte[] V1_VERSION_COMMAND =
            "version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
    private static final int V1_PREFIX_LENGTH = 4 + V1_VERSION_COMMAND.length;

    private final Role role;
    private final Network network;
    /** Null until supplied when the key work is delegated. */
    private EllSwiftPrivateKey privateKey;
    private final boolean delegateKeyWork;
    private final byte[] ourGarbage;
    private final List<Integer> decoyLengths;
    private final int maxContentsLength;
    private final AeadBackend aead;

    private final ByteArrayOutputStream outbound = new ByteArrayOutputStream();
    private final byte[] theirKey = new byte[KEY_LENGTH];
    private int theirKeyLength;
    /** Their garbage followed by the terminator candidate; bounded by MAX_GARBAGE_LENGTH + 16. */
    private final byte[] theirGarbage = new byte[MAX_GARBAGE_LENGTH + TERMINATOR_LENGTH];
    private int theirGarbageLength;

    private HandshakeState state;
    private boolean sentKey;
    private SessionKeys keys;
    private PacketEncoder encoder;
    private PacketDecoder decoder;
    private byte[] recvTerminator;
    private boolean firstPacketReceived;
    private int receivedDecoys;
    private long receivedDecoyBytes;
    private long sentDecoyBytes;
    private Session session;

    private Handshake(Builder b) {
        this.role = b.role;
        this.network = b.network;
        this.maxContentsLength = b.maxContentsLength;
        this.aead = b.aead;
        this.decoyLengths = List.copyOf(b.decoyLengths);
        this.delegateKeyWork = b.delegateKeyWork;
        SecureRandom random = b.random != null ? b.random : new SecureRandom();
        this.privateKey = b.privateKey != null || delegateKeyWork ? b.privateKey : EllSwiftPrivateKey.generate(random);
        this.ourGarbage = new byte[b.garbageLength];
        random.nextBytes(ourGarbage);
        if (role.isInitiator()) {
            if (privateKey != null) {
                sendKeyAndGarbage();
            }
            state = HandshakeState.AWAITING_KEY;
        } else {
            // A responder stays silent until it knows the peer is not a v1 node.
            state = HandshakeState.AWAITING_V1_CHECK;
        }
    }

    public static Builder builder(Role role, Network network) {
        return new Builder(role, network);
    }

    public Role role() {
        return role;
    }

    public Network network() {
        return network;
    }

    public HandshakeState state() {
        return state;
    }

    public boolean isComplete() {
        return state == HandshakeState.COMPLETE;
    }

    /** Whether our key exists: false only while a delegated key generation has not been supplied. */
    public boolean hasKey() {
        return privateKey != null;
    }

    /**
     * Our key, generated by the caller (delegated key work): the initiator sends it at once, the responder once the
     * peer's first bytes rule out v1. The handshake destroys it when done.
     */
    public void supplyKey(EllSwiftPrivateKey key) {
        Objects.requireNonNull(key, "key");
        if (privateKey != null) {
            throw new HandshakeStateException("the handshake already has its key");
        }
        if (state == HandshakeState.FAILED) {
            key.destroy();
            throw new HandshakeStateException("handshake already failed");
        }
        privateKey = key;
        if (role.isInitiator()) {
            sendKeyAndGarbage();
        }
    }

    /** Whether {@link #takeOutbound()} has bytes for the peer. */
    public boolean hasOutbound() {
        return outbound.size() > 0;
    }

    /** The bytes to send to the peer now, in order; empty when there are none. Each byte is handed out once. */
    public byte[] takeOutbound() {
        byte[] out = outbound.toByteArray();
        outbound.reset();
        return out;
    }

    /**
     * Consumes bytes from the peer, as many as the handshake needs and no more. Afterwards check
     * {@link #hasOutbound()} and {@link #isComplete()}.
     *
     * @throws V1PeerException the peer (responder side) opened with a v1 version message for our network
     * @throws WrongNetworkException the peer opened with a v1 version message for another network
     * @throws GarbageTerminatorNotFoundException no terminator within 4095 bytes of garbage
     * @throws org.bip324shaper.core.AuthenticationException a handshake packet failed to authenticate
     */
    public void receive(ByteBuffer src) throws Bip324Exception {
        Objects.requireNonNull(src);
        if (state == HandshakeState.FAILED) {
            throw new HandshakeStateException("handshake already failed");
        }
        if (privateKey == null) {
            throw new HandshakeStateException("no key yet: supply the delegated key before receiving");
        }
        try {
            while (src.hasRemaining() && state != HandshakeState.COMPLETE) {
                switch (state) {
                    case AWAITING_V1_CHECK -> receiveV1Check(src);
                    case AWAITING_KEY -> receiveKey(src);
                    case AWAITING_KEY_EXCHANGE -> {
                        return; // the delegated key exchange runs first
                    }
                    case AWAITING_GARBAGE_TERMINATOR -> receiveGarbage(src);
                    case AWAITING_VERSION -> {
                        if (!receivePacket(src)) {
                            return;
                        }
                    }
                    default -> throw new HandshakeStateException("unexpected state " + state);
                }
            }
        } catch (Bip324Exception | RuntimeException e) {
            fail();
            throw e;
        }
    }

    /** The established session; only once {@link #isComplete()}. May be called once. */
    public Session finish() {
        if (state != HandshakeState.COMPLETE) {
            throw new HandshakeStateException("handshake not complete (" + state + ")");
        }
        if (session == null) {
            throw new HandshakeStateException("session already taken");
        }
        Session s = session;
        session = null;
        return s;
    }

    /** Zeroes secrets of an abandoned handshake; a session already taken stays usable. */
    public void destroy() {
        if (session != null) {
            session.destroy();
            session = null;
        }
        fail();
    }

    private void fail() {
        state = HandshakeState.FAILED;
        if (privateKey != null && !privateKey.isDestroyed()) {
            privateKey.destroy();
        }
        if (keys != null) {
            keys.destroy();
        }
        if (encoder != null) {
            encoder.destroy();
        }
        if (decoder != null) {
            decoder.destroy();
        }
        Arrays.fill(theirGarbage, (byte) 0);
        Arrays.fill(ourGarbage, (byte) 0);
    }

    // --- receiving ---------------------------------------------------------------------------------------------

    /** Responder: the key bytes accumulate while they still could be a v1 version header. */
    private void receiveV1Check(ByteBuffer src) throws Bip324Exception {
        while (src.hasRemaining() && theirKeyLength < V1_PREFIX_LENGTH) {
            theirKey[theirKeyLength++] = src.get();
            if (!couldBeV1Prefix()) {
                sendKeyAndGarbage();
                state = HandshakeState.AWAITING_KEY;
                return;
            }
        }
        if (theirKeyLength == V1_PREFIX_LENGTH) {
            Network theirs = Network.fromMagic(theirKey, 0).orElseThrow();
            byte[] received = Arrays.copyOf(theirKey, theirKeyLength);
            if (theirs == network) {
                throw new V1PeerException(network, received);
            }
            throw new WrongNetworkException(network, theirs);
        }
    }

    /** Whether the bytes so far are a prefix of magic + "version" for any known network. */
    private boolean couldBeV1Prefix() {
        int n = theirKeyLength;
        boolean magicMatches = false;
        for (Network candidate : Network.values()) {
            byte[] magic = candidate.magicBytes();
            boolean match = true;
            for (int i = 0; i < Math.min(n, 4); i++) {
                if (theirKey[i] != magic[i]) {
                    match = false;
                    break;
                }
            }
            magicMatches |= match;
        }
        if (!magicMatches) {
            return false;
        }
        for (int i = 4; i < n; i++) {
            if (theirKey[i] != V1_VERSION_COMMAND[i - 4]) {
                return false;
            }
        }
        return true;
    }

    private void receiveKey(ByteBuffer src) {
        int take = Math.min(src.remaining(), KEY_LENGTH - theirKeyLength);
        src.get(theirKey, theirKeyLength, take);
        theirKeyLength += take;
        if (theirKeyLength < KEY_LENGTH) {
            return;
        }
        state = HandshakeState.AWAITING_KEY_EXCHANGE;
        if (!delegateKeyWork) {
            completeKeyExchange(keyExchange().derive());
        }
    }

    /**
     * The ECDH and key derivation the handshake waits for in {@link HandshakeState#AWAITING_KEY_EXCHANGE}, detached
     * from the handshake so that it can run on another thread.
     */
    public KeyExchange keyExchange() {
        if (state != HandshakeState.AWAITING_KEY_EXCHANGE) {
            throw new HandshakeStateException("no key exchange pending (" + state + ")");
        }
        return new KeyExchange(privateKey, EllSwiftPublicKey.fromBytes(theirKey), role.isInitiator(), network);
    }

    /** Takes the session keys {@link #keyExchange()} derived (and owns them from now on); queues terminator and version. */
    public void completeKeyExchange(SessionKeys derived) {
        Objects.requireNonNull(derived, "derived");
        if (state != HandshakeState.AWAITING_KEY_EXCHANGE) {
            derived.destroy();
            throw new HandshakeStateException("no key exchange pending (" + state + ")");
        }
        keys = derived;
        privateKey.destroy();
        // these constructors zero the key copies they take from keys once the ciphers hold them
        encoder = PacketEncoder.sending(keys, aead);
        decoder = PacketDecoder.receiving(keys, maxContentsLength, aead);
        recvTerminator = keys.recvGarbageTerminator();
        sendTerminatorDecoysAndVersion(keys.sendGarbageTerminator());
        state = HandshakeState.AWAITING_GARBAGE_TERMINATOR;
    }

    /** Byte by byte, so that nothing after the terminator is consumed; garbage is at most 4 KiB. */
    private void receiveGarbage(ByteBuffer src) throws Bip324Exception {
        while (src.hasRemaining()) {
            theirGarbage[theirGarbageLength++] = src.get();
            if (theirGarbageLength >= TERMINATOR_LENGTH && endsWithTerminator()) {
                theirGarbageLength -= TERMINATOR_LENGTH;
                state = HandshakeState.AWAITING_VERSION;
                return;
            }
            if (theirGarbageLength == theirGarbage.length) {
                throw new GarbageTerminatorNotFoundException("no garbage terminator within "
                        + MAX_GARBAGE_LENGTH + " bytes of garbage");
            }
        }
    }

    private boolean endsWithTerminator() {
        int start = theirGarbageLength - TERMINATOR_LENGTH;
        for (int i = 0; i < TERMINATOR_LENGTH; i++) {
            if (theirGarbage[start + i] != recvTerminator[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads one packet; true when it was whole. Decoys are skipped; the first genuine packet is the version. */
    private boolean receivePacket(ByteBuffer src) throws Bip324Exception {
        // Their garbage is authenticated as the associated data of their first packet, decoy or not.
        byte[] aad = firstPacketReceived ? null : Arrays.copyOf(theirGarbage, theirGarbageLength);
        Packet packet = aad == null ? decoder.decode(src) : decoder.decode(src, aad);
        if (packet == null) {
            return false;
        }
        firstPacketReceived = true;
        if (packet.ignore()) {
            receivedDecoys++;
            receivedDecoyBytes += PacketEncoder.wireLength(packet.contents().length);
            return true;
        }
        // The version packet's contents are reserved for future extensions and ignored.
        complete();
        return true;
    }

    private void complete() {
        HandshakeSummary summary = new HandshakeSummary(ourGarbage.length, decoyLengths.size(), sentDecoyBytes,
                theirGarbageLength, receivedDecoys, receivedDecoyBytes);
        session = new Session(role, network, keys.sessionId(), encoder, decoder, summary);
        // The ciphers now belong to the session; destroy() must no longer touch them.
        encoder = null;
        decoder = null;
        keys.destroy();
        Arrays.fill(theirGarbage, (byte) 0);
        Arrays.fill(ourGarbage, (byte) 0);
        state = HandshakeState.COMPLETE;
    }

    // --- sending -----------------------------------------------------------------------------------------------

    private void sendKeyAndGarbage() {
        if (sentKey) {
            return;
        }
        sentKey = true;
        outbound.writeBytes(privateKey.publicKey().toBytes());
        outbound.writeBytes(ourGarbage);
    }

    private void sendTerminatorDecoysAndVersion(byte[] sendTerminator) {
        sendKeyAndGarbage();
        outbound.writeBytes(sendTerminator);
        // Our garbage is the associated data of our first packet, so a tampered garbage fails authentication.
        byte[] aad = ourGarbage.clone();
        for (int length : decoyLengths) {
            byte[] decoy = new byte[length];
            outbound.writeBytes(encoder.encode(decoy, true, aad));
            sentDecoyBytes += PacketEncoder.wireLength(length);
            aad = null;
        }
        outbound.writeBytes(encoder.encode(new byte[0], false, aad));
    }

    /**
     * One side's ECDH ({@code v2_ecdh}) and the BIP-324 key schedule: everything it reads is fixed when it is made, so
     * it may run on any thread. If the handshake is destroyed meanwhile, it may fail or give keys nobody takes.
     */
    public static final class KeyExchange {
        private final EllSwiftPrivateKey ours;
        private final EllSwiftPublicKey theirs;
        private final boolean initiator;
        private final Network network;

        private KeyExchange(EllSwiftPrivateKey ours, EllSwiftPublicKey theirs, boolean initiator, Network network) {
            this.ours = ours;
            this.theirs = theirs;
            this.initiator = initiator;
            this.network = network;
        }

        /** The session keys; the caller owns them (destroy them if they are not handed to the handshake). */
        public SessionKeys derive() {
            byte[] secret = ours.bip324SharedSecret(theirs, initiator);
            try {
                return SessionKeys.derive(secret, network, initiator);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /** Configures a handshake; garbage and decoys are usually chosen by a traffic shaper. */
    public static final class Builder {
        private final Role role;
        private final Network network;
        private int garbageLength;
        private List<Integer> decoyLengths = List.of();
        private int maxContentsLength = PacketDecoder.DEFAULT_MAX_CONTENTS;
        private AeadBackend aead = AeadBackend.preferred();
        private SecureRandom random;
        private EllSwiftPrivateKey privateKey;
        private boolean delegateKeyWork;

        private Builder(Role role, Network network) {
            this.role = Objects.requireNonNull(role, "role");
            this.network = Objects.requireNonNull(network, "network");
        }

        /** How many bytes of random garbage to send after our key, 0..4095 (default 0). */
        public Builder garbageLength(int length) {
            if (length < 0 || length > MAX_GARBAGE_LENGTH) {
                throw new IllegalArgumentException("garbage length must be 0.." + MAX_GARBAGE_LENGTH + ", got " + length);
            }
            this.garbageLength = length;
            return this;
        }

        /** Contents lengths of decoy packets to send before our version packet (default none). */
        public Builder decoysBeforeVersion(List<Integer> contentsLengths) {
            for (Integer length : contentsLengths) {
                if (length == null || length < 0 || length > PacketDecoder.DEFAULT_MAX_CONTENTS) {
                    throw new IllegalArgumentException("decoy length must be 0.." + PacketDecoder.DEFAULT_MAX_CONTENTS
                            + ", got " + length);
                }
            }
            this.decoyLengths = List.copyOf(contentsLengths);
            return this;
        }

        /**
         * The largest packet contents accepted from the peer (default: what Bitcoin Core accepts). Not checked here:
         * the engine's builder checks it when it is set, and the packet decoder refuses what it cannot take.
         */
        public Builder maxContentsLength(int max) {
            this.maxContentsLength = max;
            return this;
        }

        /** The packet cipher implementation (default {@link AeadBackend#preferred()}); both give identical bytes. */
        public Builder aead(AeadBackend backend) {
            this.aead = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** Randomness for the key and the garbage (default: a new SecureRandom). */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Use this key instead of a fresh one (tests and vectors). The handshake destroys it when done. */
        public Builder privateKey(EllSwiftPrivateKey key) {
            this.privateKey = Objects.requireNonNull(key);
            return this;
        }

        /**
         * Leave the curve work to the caller (default false): no key is generated here unless one was given
         * ({@link Handshake#supplyKey}), and the ECDH waits in {@link HandshakeState#AWAITING_KEY_EXCHANGE}.
         */
        public Builder delegateKeyWork(boolean delegate) {
            this.delegateKeyWork = delegate;
            return this;
        }

        public Handshake build() {
            return new Handshake(this);
        }
    }

    /** For diagnostics only: never exposes secrets. */
    @Override
    public String toString() {
        return "Handshake[" + role + ", " + network.id() + ", " + state + "]";
    }
}

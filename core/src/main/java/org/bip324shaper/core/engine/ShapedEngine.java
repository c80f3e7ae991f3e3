package org.bip324shaper.core.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.bip324shaper.core.internal.handshake.Handshake;
import org.bip324shaper.core.internal.handshake.HandshakeState;
import org.bip324shaper.core.internal.handshake.HandshakeSummary;
import org.bip324shaper.core.internal.handshake.Session;
import org.bip324shaper.core.internal.packet.Packet;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.core.internal.packet.PacketEncoder;
import org.bip324shaper.core.message.MessageTypes;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.shaping.Flush;
import org.bip324shaper.core.shaping.HandshakeShape;
import org.bip324shaper.core.shaping.MonotonicClock;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.core.shaping.TrafficShaper;
import org.bip324shaper.core.shaping.TrafficStats;
import org.bip324shaper.core.shaping.WireItem;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.TraceRecorder;

/**
 * One shaped BIP-324 connection without I/O, in the manner of {@code SSLEngine}: the handshake, the packet ciphers,
 * the traffic shaper and the statistics behind one object that takes bytes read and hands out whole writes. Drivers
 * (blocking, asynchronous, the agent's bridge, the shape simulator) stay thin: they move bytes and keep time.
 *
 * <p>Inbound half ({@link #receive}, {@link #pollContents}, {@link #pollMessage}) and outbound half ({@link #send},
 * {@link #tick}, {@link #pollWrite}) have their own locks, so one reader thread and any number of writer threads may
 * use an engine at once. Every write from {@link #pollOutbound} must be written in one write, in order.
 *
 * <p>Nothing accepted is dropped by shaping: a strategy may hold a genuine message for its next tick, but
 * {@link #closeOutbound()} releases everything held at once, and until the peer's {@code verack} (the version
 * handshake, which the peer times out) nothing is held at all. Each write says which messages it completes
 * ({@link OutboundWrite#delivered()}), so a driver can tell exactly what an abortive close lost.
 *
 * <p>The engine's life is a {@link State} a driver asks for ({@link #state()}, {@link #failure()}) instead of
 * reading it from exceptions. An operation that needs a live engine throws {@link EngineClosedException} once it is
 * {@link State#CLOSED} (the end of the stream, for a driver) and {@link EngineFailedException}, carrying the first
 * error, once it is {@link State#FAILED}; any other exception is a bug and must surface as one.
 *
 * <p>Key work may be delegated, as {@code SSLEngine} delegates its tasks ({@link Builder#delegateKeyWork}): then the
 * key generation and the ECDH do not run in the constructor or in {@link #receive}, but in the {@link Runnable}s
 * {@link #pollTask()} hands out, which a driver runs on a thread of its choosing (not its I/O thread). While one is
 * outstanding, {@link #receive} consumes nothing and reports {@link ReceiveStatus#needsTask()}; once it has run,
 * {@link #pollOutbound()} has the handshake's next bytes and {@link #receive} goes on.
 *
 * <p>When a connection ends or fails before the handshake completes, {@link #v1Suggestion()} says whether a v1 redial
 * is worth it, by Bitcoin Core's rule.
 */
public final class ShapedEngine {
    /**
     * Where an engine is in its life: {@code HANDSHAKING -> OPEN -> OUTBOUND_CLOSED -> CLOSED}, with
     * {@code OUTBOUND_CLOSED} also reachable from {@code HANDSHAKING}, and {@code FAILED} from any state before
     * {@code CLOSED}. {@code CLOSED} and {@code FAILED} are final.
     */
    public enum State {
        /** The BIP-324 handshake runs; messages sent now wait for the session. */
        HANDSHAKING,
        /** The session exists: messages flow both ways. */
        OPEN,
        /**
         * {@link #closeOutbound()} was called (possibly during the handshake): no more messages are accepted and
         * what was accepted leaves at once; the peer's bytes are still taken.
         */
        OUTBOUND_CLOSED,
        /** {@link #close()} ended the engine and zeroed its keys: live operations throw {@link EngineClosedException}. */
        CLOSED,
        /**
         * {@link #receive} threw ({@link #failure()} says what): live operations throw {@link EngineFailedException}.
         * Closing a failed engine zeroes its keys and leaves it {@code FAILED}, so the cause is never mistaken for a
         * clean end.
         */
        FAILED
    }

    /** Bitcoin Core's {@code CMessageHeader::HEADER_SIZE}: once this much of our key is out, a v1 node hangs up. */
    static final int V1_HEADER_LENGTH = 24;

    /** Wire overhead of the handshake that is neither garbage nor decoy: key, terminator and version packet. */
    private static final int HANDSHAKE_FIXED_BYTES = 64 + 16 + PacketEncoder.wireLength(0);

    private final Object inLock = new Object();
    private final Object outLock = new Object();
    private final Role role;
    private final Network network;
    private final MonotonicClock clock;
    private final TrafficShaper shaper;
    private final TrafficStats stats;
    private final TraceRecorder recorder;

    // guarded by inLock (and outLock while the handshake runs)
    private Handshake handshake;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();

    // guarded by outLock
    private volatile Session session;
    /** Contents accepted and not yet encrypted: views (position 0) the sender handed over, never copied. */
    private final ArrayDeque<Unsent> unsentBeforeSession = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> heldGenuine = new ArrayDeque<>();
    private final ArrayDeque<OutboundWrite> writes = new ArrayDeque<>();
    private long pendingWriteBytes;
    /** Every genuine message accepted so far, and those encrypted into {@link #writes} so far. */
    private Delivery accepted = Delivery.NONE;
    private Delivery released = Delivery.NONE;
    /** {@link #closeOutbound()} was called: nothing more is accepted, nothing is held, no more ticks. */
    private boolean outboundClosed;
    /** The version handshake is over (the peer's verack, or any other message): from now on strategies may hold. */
    private volatile boolean versionHandshakeOver;
    /** The peer sent its verack: it speaks the bitcoin protocol, so it answers a ping. */
    private volatile boolean peerVerackSeen;
    /** The ping {@link #closeOutbound()} sends after the last message, and whether its pong came back. */
    private ByteBuffer closingPing;
    private byte[] closingNonce;
    private volatile boolean closeAcknowledged = true;
    private final RandomGenerator barrierRandom;

    /** The key work {@link #pollTask()} hands out (or has handed out) and nobody has finished: written under both locks. */
    private volatile KeyTask<?> keyTask;
    private boolean keyTaskHandedOut;
    /** The peer sent at least one byte: {@link #receive} saw some, or the driver reported a read. */
    private volatile boolean peerBytesSeen;
    /** Bytes the driver reported written, counted only until a v1 header's worth ({@link #recordWritten}). */
    private long bytesWritten;
    private volatile boolean sentV1HeaderWorth;

    /** Clock time of the last read the driver reported; guarded by inLock. */
    private long lastReadNanos;
    /** Changed under outLock or inLock (whichever the transition needs), read anywhere. */
    private final AtomicReference<State> state = new AtomicReference<>(State.HANDSHAKING);
    /** The first error {@link #receive} threw; written before the state becomes FAILED. */
    private volatile Exception failure;
    /** {@link #close()} was called: the keys are zeroed (the state is CLOSED, or FAILED if it failed first). */
    private volatile boolean destroyed;

    private ShapedEngine(Builder b) {
        this.role = b.role;
        this.network = b.network;
        this.clock = b.clock;
        this.recorder = b.recorder;
        this.shaper = new TrafficShaper(b.config, b.clock, b.shapingRandom);
        this.stats = new TrafficStats(b.clock);
        this.barrierRandom = b.shapingRandom;
        HandshakeShape shape = shaper.handshake();
        Handshake.Builder handshakeBuilder = Handshake.builder(role, network)
                .garbageLength(shape.garbageLength())
                .decoysBeforeVersion(shape.decoyLengthsBeforeVersion())
                .maxContentsLength(b.maxContentsLength)
                .aead(b.aead)
                .random(b.keyRandom)
                .delegateKeyWork(b.delegateKeyWork);
        if (b.privateKey != null) {
            handshakeBuilder.privateKey(b.privateKey);
        }
        this.handshake = handshakeBuilder.build();
        if (!handshake.hasKey()) {
            SecureRandom random = b.keyRandom;
            keyTask = new KeyTask<>(() -> EllSwiftPrivateKey.generate(random), handshake::supplyKey,
                    EllSwiftPrivateKey::destroy);
        }
        synchronized (outLock) {
            takeHandshakeOutbound();
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

    public TrafficStats stats() {
        return stats;
    }

    public TrafficConfig config() {
        return shaper.config();
    }

    /** Where the engine is in its life; see {@link State}. */
    public State state() {
        return state.get();
    }

    /** The error that made the engine {@link State#FAILED}; empty in every other state. */
    public Optional<Exception> failure() {
        return state.get() == State.FAILED ? Optional.of(failure) : Optional.empty();
    }

    /** Whether the handshake completed: messages now flow both ways. */
    public boolean isEstablished() {
        return session != null;
    }

    /** The session id, once established. */
    public Optional<byte[]> sessionId() {
        Session s = session;
        return s == null ? Optional.empty() : Optional.of(s.sessionId());
    }

    public Optional<String> sessionIdHex() {
        Session s = session;
        return s == null ? Optional.empty() : Optional.of(s.sessionIdHex());
    }

    // --- inbound ---------------------------------------------------------------------------------------------------

    /**
     * Consumes bytes read from the peer: the handshake first, then packets. Returns once {@code src} is empty or one
     * genuine packet is ready in {@link #pollContents()}, so an application that stops polling stops the reading.
     * Decoys are verified, counted and dropped.
     *
     * @return what the call did: bytes consumed, messages ready, whether there is something to write
     * @throws Bip324Exception        the peer broke the protocol; the engine is {@link State#FAILED} from now on
     * @throws EngineClosedException  the engine is {@link State#CLOSED}
     * @throws EngineFailedException  an earlier call failed
     */
    public ReceiveStatus receive(ByteBuffer src) throws Bip324Exception {
        synchronized (inLock) {
            requireUsable();
            if (src.hasRemaining()) {
                peerBytesSeen = true;
            }
            if (keyTask != null) {
                return status(0); // the delegated key work comes first
            }
            int start = src.position();
            try {
                if (handshake != null) {
                    receiveHandshake(src);
                }
                Session s = session;
                if (s == null) {
                    return status(src.position() - start);
                }
                PacketDecoder decoder = s.decoder();
                while (src.hasRemaining() && inbound.isEmpty()) {
                    Packet p = decoder.decode(src);
                    if (p == null) {
                        break;
                    }
                    int wire = PacketEncoder.wireLength(p.contents().length);
                    shaper.onInbound(wire);
                    if (p.ignore()) {
                        stats.recordRead(TrafficStats.Kind.DECOY, wire);
                    } else {
                        stats.recordRead(TrafficStats.Kind.GENUINE, wire);
                        noteVersionHandshake(p.contents(), 0, p.contents().length, true);
                        if (!closeAcknowledged && isClosingPong(p.contents())) {
                            closeAcknowledged = true; // ours, not the application's
                            continue;
                        }
                        inbound.add(p.contents());
                        recordMessage(lastReadNanos, Direction.INBOUND, p.contents(), 0, p.contents().length);
                    }
                }
                return status(src.position() - start);
            } catch (Bip324Exception | RuntimeException e) {
                fail(e);
                throw e;
            }
        }
    }

    /** Caller holds inLock. */
    private ReceiveStatus status(int consumed) {
        boolean wantsWrite;
        synchronized (outLock) {
            wantsWrite = !writes.isEmpty();
        }
        return new ReceiveStatus(consumed, inbound.size(), wantsWrite, session != null, keyTask != null);
    }

    /**
     * Tells the trace recorder that one read from the socket returned {@code bytes} bytes. Messages this read
     * completes are stamped with the same time, so a trace aligns each message with the read that carried it.
     */
    public void recordRead(int bytes) {
        if (bytes > 0) {
            peerBytesSeen = true;
        }
        if (bytes > 0 && recorder != TraceRecorder.NONE) {
            long now = clock.nanoTime();
            lastReadNanos = now;
            recorder.write(now, Direction.INBOUND, bytes);
        }
    }

    /**
     * Tells the engine that {@code bytes} of its writes reached the socket, as Bitcoin Core's {@code MarkBytesSent}:
     * {@link #v1Suggestion()} needs to know whether a v1 header's worth of our key went out.
     */
    public void recordWritten(int bytes) {
        if (bytes <= 0 || sentV1HeaderWorth) {
            return;
        }
        synchronized (outLock) {
            bytesWritten += bytes;
            sentV1HeaderWorth = bytesWritten >= V1_HEADER_LENGTH;
        }
    }

    /**
     * What to do after the connection ended or failed, by Bitcoin Core's {@code V2Transport::ShouldReconnectV1}: a
     * node without v2 reads our key as a bad v1 header and hangs up (or ignores it) without a word, so an initiator
     * whose handshake did not complete, that never received a byte, once a v1 header's worth of its key was written
     * ({@link #recordWritten}), may redial v1: {@link V1Suggestion#RETRY_V1}. Anything received makes every failure
     * a real error: {@link V1Suggestion#ABORT}. Also answers after {@link #close()}.
     */
    public V1Suggestion v1Suggestion() {
        boolean retry = role.isInitiator() && session == null && !peerBytesSeen && sentV1HeaderWorth;
        return retry ? V1Suggestion.RETRY_V1 : V1Suggestion.ABORT;
    }

    // --- delegated key work --------------------------------------------------------------------------------------

    /**
     * The next piece of key work to run, or null (none outstanding, or the outstanding one was handed out already).
     * It may run on any thread, once (a second run, or a run after {@link #close()}, does nothing); afterwards the
     * driver polls {@link #pollOutbound()} and calls {@link #receive} again, and a failure in it fails the engine.
     */
    public Runnable pollTask() {
        synchronized (inLock) {
            synchronized (outLock) {
                KeyTask<?> task = keyTask;
                if (task == null || keyTaskHandedOut) {
                    return null;
                }
                keyTaskHandedOut = true;
                return task;
            }
        }
    }

    /** Whether delegated key work is outstanding: the handshake waits for a task from {@link #pollTask()} to run. */
    public boolean needsTask() {
        return keyTask != null;
    }

    /**
     * Curve work computed without a lock and published under both, unless the engine closed or failed meanwhile (then
     * the result is zeroed). Runs once; later runs do nothing.
     */
    private final class KeyTask<T> implements Runnable {
        private final AtomicBoolean started = new AtomicBoolean();
        private final Supplier<T> work;
        private final Consumer<T> publish;
        private final Consumer<T> discard;

        KeyTask(Supplier<T> work, Consumer<T> publish, Consumer<T> discard) {
            this.work = work;
            this.publish = publish;
            this.discard = discard;
        }

        @Override
        public void run() {
            if (!started.compareAndSet(false, true) || keyTask != this) {
                return; // run before, or the engine closed
            }
            T result = null;
            RuntimeException error = null;
            try {
                result = work.get();
            } catch (RuntimeException e) { // a bug, or close() zeroed the key under us
                error = e;
            }
            synchronized (inLock) {
                synchronized (outLock) {
                    if (keyTask != this) {
                        if (result != null) {
                            discard.accept(result);
                        }
                        return;
                    }
                    keyTask = null;
                    if (error != null) {
                        handshake.destroy();
                        fail(error);
                        return;
                    }
                    publish.accept(result);
                    takeHandshakeOutbound();
                }
            }
        }
    }

    private void receiveHandshake(ByteBuffer src) throws Bip324Exception {
        synchronized (outLock) {
            try {
                handshake.receive(src);
            } catch (V1PeerException e) {
                // Hand back everything the driver read, not only the 16 bytes the handshake looked at, so that
                // the caller can serve the v1 peer from its first byte.
                byte[] seen = e.receivedBytes();
                byte[] all = Arrays.copyOf(seen, seen.length + src.remaining());
                src.get(all, seen.length, src.remaining());
                throw new V1PeerException(e.network(), all);
            }
            takeHandshakeOutbound();
            if (handshake.state() == HandshakeState.AWAITING_KEY_EXCHANGE) {
                keyTask = new KeyTask<>(handshake.keyExchange()::derive, handshake::completeKeyExchange,
                        SessionKeys::destroy);
                keyTaskHandedOut = false;
                return;
            }
            if (!handshake.isComplete()) {
                return;
            }
            Session s = handshake.finish();
            handshake = null;
            HandshakeSummary summary = s.handshakeSummary();
            stats.recordRead(TrafficStats.Kind.HANDSHAKE, HANDSHAKE_FIXED_BYTES);
            stats.recordRead(TrafficStats.Kind.GARBAGE, summary.receivedGarbageBytes());
            recordDecoys(false, summary.receivedDecoyPackets(), summary.receivedDecoyWireBytes());
            stats.recordWrite(TrafficStats.Kind.HANDSHAKE, HANDSHAKE_FIXED_BYTES);
            stats.recordWrite(TrafficStats.Kind.GARBAGE, summary.sentGarbageBytes());
            recordDecoys(true, summary.sentDecoyPackets(), summary.sentDecoyWireBytes());
            session = s;
            state.compareAndSet(State.HANDSHAKING, State.OPEN); // else closeOutbound() came first
            while (!unsentBeforeSession.isEmpty()) {
                Unsent next = unsentBeforeSession.poll();
                submit(next.contents(), next.release());
            }
            if (outboundClosed) {
                emit(shaper.releaseHeld());
            }
        }
    }

    private void recordDecoys(boolean written, int packets, long wireBytes) {
        // Per-packet sizes are not kept by the handshake; spread the total so byte counts stay exact.
        for (int i = 0; i < packets; i++) {
            long share = wireBytes / packets + (i < wireBytes % packets ? 1 : 0);
            if (written) {
                stats.recordWrite(TrafficStats.Kind.DECOY, (int) share);
            } else {
                stats.recordRead(TrafficStats.Kind.DECOY, (int) share);
            }
        }
    }

    /** The next genuine packet's contents (message type + payload), or null. */
    public byte[] pollContents() {
        synchronized (inLock) {
            return inbound.poll();
        }
    }

    /**
     * The next genuine message, or null. Messages with a short ID this version does not know, or without a valid
     * message type, are skipped and counted ({@link TrafficStats#droppedMessages()}), as Bitcoin Core drops them.
     */
    public NetworkMessage pollMessage() throws Bip324Exception {
        synchronized (inLock) {
            byte[] contents;
            while ((contents = inbound.poll()) != null) {
                if (V2MessageCodec.decode(contents) instanceof V2Decoded.Message m) {
                    return m.message();
                }
                stats.recordDroppedMessage();
            }
            return null;
        }
    }

    // --- outbound --------------------------------------------------------------------------------------------------

    /**
     * Queues a message; its bytes (with whatever padding the shaper adds) come out of {@link #pollOutbound()}.
     *
     * @return its sequence number in the outbound ledger: 1 for the first message, then 2, 3, ...
     * @throws HandshakeStateException after {@link #closeOutbound()}: sending then is the caller's mistake
     * @throws EngineClosedException   after {@link #close()}
     * @throws EngineFailedException   after a failure, with the failure as its cause
     */
    public long send(NetworkMessage message) {
        return send(message, Release.SHAPED);
    }

    /**
     * As {@link #send(NetworkMessage)}; with {@link Release#NOW} the message (and whatever the shaper held before
     * it) is released to {@link #pollOutbound()} at once instead of waiting for the shaper's next tick.
     */
    public long send(NetworkMessage message, Release release) {
        return sendContents(V2MessageCodec.contents(message), release);
    }

    /**
     * Queues one genuine packet's contents (message type + payload). Before the handshake ends, they wait.
     *
     * @return its sequence number, as {@link #send}
     */
    public long sendContents(byte[] contents) {
        return sendContents(ByteBuffer.wrap(Objects.requireNonNull(contents, "contents")));
    }

    /**
     * Queues the remaining bytes of {@code contents} as one genuine packet's contents, without copying a heap buffer:
     * it is read when the packet is encrypted, so it must not change until then (a message's own bytes never do).
     * Its position is not moved.
     *
     * @return its sequence number, as {@link #send}
     */
    public long sendContents(ByteBuffer contents) {
        return sendContents(contents, Release.SHAPED);
    }

    /** As {@link #sendContents(ByteBuffer)}, released as {@code release} says (see {@link #send(NetworkMessage, Release)}). */
    public long sendContents(ByteBuffer contents, Release release) {
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(release, "release");
        if (contents.remaining() > PacketDecoder.DEFAULT_MAX_CONTENTS) {
            throw new IllegalArgumentException("packet contents of " + contents.remaining() + " bytes exceed "
                    + PacketDecoder.DEFAULT_MAX_CONTENTS);
        }
        return accept(contents.hasArray() ? contents.slice() : ByteBuffer.allocate(contents.remaining())
                .put(contents.duplicate()).flip(), release);
    }

    private long accept(ByteBuffer contents, Release release) {
        synchronized (outLock) {
            requireUsable();
            if (outboundClosed) {
                throw new HandshakeStateException("the outbound half is closed: no more messages are accepted");
            }
            accepted = new Delivery(accepted.messages() + 1, accepted.bytes() + contents.remaining());
            if (session == null) {
                unsentBeforeSession.add(new Unsent(contents, release));
            } else {
                submit(contents, release);
            }
            return accepted.messages();
        }
    }

    /** Lets the shaper act on the clock; call when the clock passes {@link #nextDeadlineNanos()}. */
    public void tick() {
        synchronized (outLock) {
            if (state.get() != State.OPEN) {
                return;
            }
            emit(shaper.onTick());
        }
    }

    /** When {@link #tick()} is next due, by the engine's clock; {@link Long#MAX_VALUE} before the session exists. */
    public long nextDeadlineNanos() {
        synchronized (outLock) {
            return state.get() != State.OPEN ? Long.MAX_VALUE : shaper.nextDeadlineNanos();
        }
    }

    /** The next write to make in ONE write, with the ledger position it completes, or null when there is none. */
    public OutboundWrite pollOutbound() {
        synchronized (outLock) {
            OutboundWrite w = writes.poll();
            if (w != null) {
                pendingWriteBytes -= w.bytes().length;
            }
            return w;
        }
    }

    /** The next bytes to write in ONE write, or null: {@link #pollOutbound()} for callers that keep no ledger. */
    public byte[] pollWrite() {
        OutboundWrite w = pollOutbound();
        return w == null ? null : w.bytes();
    }

    /** Every genuine message accepted by {@link #send} so far: the ledger's end. */
    public Delivery accepted() {
        synchronized (outLock) {
            return accepted;
        }
    }

    /**
     * The graceful close of the outbound half: accepts no more messages, stops the ticks and releases every genuine
     * message the shaper holds at once (padded as the strategy pads), so that they come out of
     * {@link #pollOutbound()} now. Messages queued before the session exists are released the moment it does.
     * Once the driver has written everything, {@link #isOutboundDone()} is true and the connection may close.
     * Idempotent, and a no-op on a {@link State#CLOSED} or {@link State#FAILED} engine (nothing can leave any more).
     */
    public void closeOutbound() {
        synchronized (outLock) {
            if (outboundClosed) {
                return;
            }
            outboundClosed = true;
            State was = state.getAndUpdate(s -> s == State.HANDSHAKING || s == State.OPEN ? State.OUTBOUND_CLOSED : s);
            if (was == State.OPEN) {
                emit(shaper.releaseHeld());
                if (peerVerackSeen) {
                    sendClosingPing();
                }
            }
        }
    }

    /**
     * Bitcoin Core drops the unprocessed messages of a peer whose stream has ended (its message handler skips a
     * node marked for disconnection), so a {@code tx} followed at once by our FIN can vanish. A ping after the last
     * message is answered only once everything before it was processed: its pong is the peer's receipt. The driver
     * waits for it ({@link #isCloseAcknowledged()}) before it half-closes. The pong is not handed to the application.
     */
    private void sendClosingPing() {
        byte[] nonce = new byte[8];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) barrierRandom.nextInt(256);
        }
        closingNonce = nonce;
        closingPing = V2MessageCodec.contents(NetworkMessage.copyOf("ping", nonce));
        closeAcknowledged = false;
        heldGenuine.add(closingPing);
        emit(shaper.onGenuine(closingPing.remaining()));
        emit(shaper.releaseHeld());
    }

    private boolean isClosingPong(byte[] contents) {
        byte[] nonce = closingNonce;
        if (nonce == null || contents.length != 1 + nonce.length) { // pong has a one-byte ID
            return false;
        }
        return V2MessageCodec.decode(contents) instanceof V2Decoded.Message m && m.message().command().equals("pong")
                && m.message().payload().equals(ByteBuffer.wrap(nonce));
    }

    /**
     * Whether the peer has acknowledged everything before a graceful close: true unless {@link #closeOutbound()}
     * sent its closing ping to a bitcoin peer and the pong has not come back yet.
     */
    public boolean isCloseAcknowledged() {
        return closeAcknowledged;
    }

    /** {@link #closeOutbound()} was called and every accepted message was handed out by {@link #pollOutbound()}. */
    public boolean isOutboundDone() {
        synchronized (outLock) {
            return outboundClosed && writes.isEmpty() && released.equals(accepted);
        }
    }

    /** Genuine packets submitted but not yet released to {@link #pollWrite()} (waiting for the session or held). */
    public int heldPackets() {
        synchronized (outLock) {
            return heldGenuine.size() + unsentBeforeSession.size();
        }
    }

    /** Bytes waiting in {@link #pollWrite()}: a driver's measure of back-pressure. */
    public long pendingWriteBytes() {
        synchronized (outLock) {
            return pendingWriteBytes;
        }
    }

    private void submit(ByteBuffer contents, Release release) {
        heldGenuine.add(contents);
        noteVersionHandshake(contents.array(), contents.arrayOffset(), contents.remaining(), false);
        emit(shaper.onGenuine(contents.remaining()));
        if (!versionHandshakeOver || outboundClosed || release == Release.NOW) {
            // bitcoinj gives up on a version handshake that takes 5 s: none of it may wait for a tick
            emit(shaper.releaseHeld());
        }
    }

    /**
     * The version handshake ends with the peer's {@code verack}, or as soon as any message that is not part of it
     * flows either way (a connection that never shakes hands the bitcoin way is shaped from its first message).
     */
    private void noteVersionHandshake(byte[] contents, int offset, int length, boolean fromPeer) {
        if (versionHandshakeOver && (peerVerackSeen || !fromPeer)) {
            return;
        }
        String type = VersionHandshake.longType(contents, offset, length);
        boolean verack = fromPeer && VersionHandshake.VERACK.equals(type);
        if (verack) {
            peerVerackSeen = true;
        }
        if (verack || !VersionHandshake.isPart(type)) {
            versionHandshakeOver = true;
        }
    }

    /** Encrypts one flush into one write, packets in the shaper's order. */
    private void emit(Flush flush) {
        if (flush.isEmpty()) {
            return;
        }
        PacketEncoder encoder = session.encoder();
        int total = 0;
        for (WireItem item : flush.items()) {
            total += item instanceof WireItem.Decoy d ? d.wireLength() : 0;
        }
        int genuine = flush.genuineCount();
        int index = 0;
        for (ByteBuffer contents : heldGenuine) {
            if (index++ == genuine) {
                break;
            }
            total += PacketEncoder.wireLength(contents.remaining());
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        Delivery before = released;
        long now = recorder == TraceRecorder.NONE ? 0 : clock.nanoTime();
        for (WireItem item : flush.items()) {
            if (item instanceof WireItem.Decoy d) {
                // Decoy contents are encrypted like any other, so zeros are as good as random bytes.
                int n = encoder.encode(ByteBuffer.allocate(d.contentsLength()), true, null, out);
                stats.recordWrite(TrafficStats.Kind.DECOY, n);
            } else {
                ByteBuffer contents = heldGenuine.poll();
                int length = contents.remaining();
                // Stamped when it goes on the wire, with its write: a held packet is recorded when released.
                if (contents != closingPing) { // the engine's own receipt request is not a traced message
                    recordMessage(now, Direction.OUTBOUND, contents.array(), contents.arrayOffset(), length);
                }
                int n = encoder.encode(contents, false, null, out);
                stats.recordWrite(TrafficStats.Kind.GENUINE, n);
                if (contents != closingPing) { // the engine's own ping is not in the application's ledger
                    released = new Delivery(released.messages() + 1, released.bytes() + length);
                }
            }
        }
        byte[] bytes = out.array();
        if (flush.cuts().isEmpty()) {
            addWrite(now, bytes, released);
            return;
        }
        // The strategy chose where writes end, possibly inside a packet: one write per piece, back to back. Only the
        // last piece completes the flush's messages.
        List<Integer> lengths = flush.writeLengths(bytes.length);
        int from = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int length = lengths.get(i);
            addWrite(now, Arrays.copyOfRange(bytes, from, from + length), i == lengths.size() - 1 ? released : before);
            from += length;
        }
    }

    private void takeHandshakeOutbound() {
        if (handshake != null && handshake.hasOutbound()) {
            byte[] bytes = handshake.takeOutbound();
            addWrite(recorder == TraceRecorder.NONE ? 0 : clock.nanoTime(), bytes, Delivery.NONE);
        }
    }

    private void addWrite(long now, byte[] bytes, Delivery delivered) {
        recorder.write(now, Direction.OUTBOUND, bytes.length);
        writes.add(new OutboundWrite(bytes, delivered));
        pendingWriteBytes += bytes.length;
    }

    // --- lifecycle -------------------------------------------------------------------------------------------------

    /**
     * Ends the engine and zeroes its keys: {@link State#CLOSED}, or still {@link State#FAILED} if it had failed. Later
     * live operations throw {@link EngineClosedException} (or {@link EngineFailedException}). Idempotent.
     */
    public void close() {
        synchronized (inLock) {
            synchronized (outLock) {
                state.updateAndGet(s -> s == State.FAILED ? s : State.CLOSED);
                destroyed = true;
                keyTask = null; // a task running now discards its result; one run later does nothing
                if (handshake != null) {
                    handshake.destroy();
                    handshake = null;
                }
                Session s = session;
                if (s != null && !s.isDestroyed()) {
                    s.destroy();
                }
                inbound.clear();
                heldGenuine.clear();
                unsentBeforeSession.clear();
                writes.clear();
                pendingWriteBytes = 0;
            }
        }
    }

    /** Whether {@link #close()} was called: the keys are zeroed (the state is CLOSED, or FAILED if it failed first). */
    public boolean isClosed() {
        return destroyed;
    }

    private void requireUsable() {
        switch (state.get()) {
            case CLOSED -> throw new EngineClosedException();
            case FAILED -> throw new EngineFailedException(failure);
            default -> {
            }
        }
    }

    /** Caller holds inLock: only {@link #receive} fails an engine, and a closed one never gets that far. */
    private void fail(Exception e) {
        failure = e; // before the state: whoever sees FAILED sees the cause
        state.set(State.FAILED);
    }

    private void recordMessage(long now, Direction direction, byte[] contents, int offset, int length) {
        if (recorder == TraceRecorder.NONE || length == 0) {
            return;
        }
        String type;
        int payload;
        int id = contents[offset] & 0xff;
        if (id != 0) {
            type = MessageTypes.command(id).orElse("unknown-" + id);
            payload = length - 1;
        } else if (length >= V2MessageCodec.LONG_TYPE_LENGTH) {
            int end = 1;
            while (end < V2MessageCodec.LONG_TYPE_LENGTH && contents[offset + end] != 0) {
                end++;
            }
            type = end == 1 ? "malformed" : new String(contents, offset + 1, end - 1, StandardCharsets.US_ASCII);
            payload = length - V2MessageCodec.LONG_TYPE_LENGTH;
        } else {
            type = "malformed";
            payload = 0;
        }
        recorder.message(now, direction, type, payload);
    }

    @Override
    public String toString() {
        return "ShapedEngine[" + role + ", " + network.id() + ", " + state.get() + "]";
    }

    /** A message accepted before the session exists, and how it is to be released once it does. */
    private record Unsent(ByteBuffer contents, Release release) {
    }

    /** Configures an engine. Defaults: no shaping, the system clock, SecureRandom, no trace. */
    public static final class Builder {
        private final Role role;
        private final Network network;
        private TrafficConfig config = TrafficConfig.DEFAULT;
        private MonotonicClock clock = MonotonicClock.system();
        private RandomGenerator shapingRandom;
        private SecureRandom keyRandom;
        private TraceRecorder recorder = TraceRecorder.NONE;
        private int maxContentsLength = PacketDecoder.DEFAULT_MAX_CONTENTS;
        private AeadBackend aead = AeadBackend.preferred();
        private EllSwiftPrivateKey privateKey;
        private boolean delegateKeyWork;

        private Builder(Role role, Network network) {
            this.role = Objects.requireNonNull(role, "role");
            this.network = Objects.requireNonNull(network, "network");
        }

        public Builder config(TrafficConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder clock(MonotonicClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Randomness for shaping decisions (sizes, times); default SecureRandom. Keys always use SecureRandom. */
        public Builder shapingRandom(RandomGenerator random) {
            this.shapingRandom = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Randomness for the key and the garbage bytes. */
        public Builder keyRandom(SecureRandom random) {
            this.keyRandom = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder recorder(TraceRecorder recorder) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /**
         * Our ephemeral key, generated ahead of time (default: one generated in the constructor). It must be
         * fresh and is used for this engine only; the handshake destroys it when done.
         */
        public Builder privateKey(EllSwiftPrivateKey key) {
            this.privateKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * The largest packet contents accepted from the peer, 1..{@value ProtocolLimits#MAX_ENCODABLE_CONTENTS}
         * (default: what Bitcoin Core accepts). Checked here, the one place: the handshake takes it as given.
         */
        public Builder maxContentsLength(int max) {
            if (max < 1 || max > ProtocolLimits.MAX_ENCODABLE_CONTENTS) {
                throw new IllegalArgumentException("max contents length must be 1.."
                        + ProtocolLimits.MAX_ENCODABLE_CONTENTS + ", got " + max);
            }
            this.maxContentsLength = max;
            return this;
        }

        /** The packet cipher implementation (default {@link AeadBackend#preferred()}); both give identical bytes. */
        public Builder aead(AeadBackend backend) {
            this.aead = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Hand the key generation and the ECDH out as tasks ({@link ShapedEngine#pollTask()}) instead of running them
         * in the constructor and in {@code receive} (default false: inline). A key given by {@link #privateKey} is
         * used as it is; only the ECDH is delegated then.
         */
        public Builder delegateKeyWork(boolean delegate) {
            this.delegateKeyWork = delegate;
            return this;
        }

        public ShapedEngine build() {
            if (keyRandom == null) {
                keyRandom = new SecureRandom();
            }
            if (shapingRandom == null) {
                shapingRandom = keyRandom;
            }
            return new ShapedEngine(this);
        }
    }
}

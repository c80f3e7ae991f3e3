package org.bip324shaper.core.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.handshake.Handshake;
import org.bip324shaper.core.handshake.HandshakeSummary;
import org.bip324shaper.core.handshake.Role;
import org.bip324shaper.core.handshake.Session;
import org.bip324shaper.core.message.MessageTypes;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2Decoded;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.core.packet.Packet;
import org.bip324shaper.core.packet.PacketDecoder;
import org.bip324shaper.core.packet.PacketEncoder;
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
 * use an engine at once. Every {@code byte[]} from {@link #pollWrite} must be written in one write, in order.
 */
public final class ShapedEngine {
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
    private final ArrayDeque<byte[]> unsentBeforeSession = new ArrayDeque<>();
    private final ArrayDeque<byte[]> heldGenuine = new ArrayDeque<>();
    private final ArrayDeque<byte[]> writes = new ArrayDeque<>();
    private long pendingWriteBytes;

    /** Clock time of the last read the driver reported; guarded by inLock. */
    private long lastReadNanos;
    private volatile boolean failed;
    private volatile boolean closed;

    private ShapedEngine(Builder b) {
        this.role = b.role;
        this.network = b.network;
        this.clock = b.clock;
        this.recorder = b.recorder;
        this.shaper = new TrafficShaper(b.config, b.clock, b.shapingRandom);
        this.stats = new TrafficStats(b.clock);
        HandshakeShape shape = shaper.handshake();
        Handshake.Builder handshakeBuilder = Handshake.builder(role, network)
                .garbageLength(shape.garbageLength())
                .decoysBeforeVersion(shape.decoyLengthsBeforeVersion())
                .maxContentsLength(b.maxContentsLength)
                .random(b.keyRandom);
        if (b.privateKey != null) {
            handshakeBuilder.privateKey(b.privateKey);
        }
        this.handshake = handshakeBuilder.build();
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
     */
    public void receive(ByteBuffer src) throws Bip324Exception {
        synchronized (inLock) {
            requireUsable();
            try {
                if (handshake != null) {
                    receiveHandshake(src);
                }
                Session s = session;
                if (s == null) {
                    return;
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
                        inbound.add(p.contents());
                        recordMessage(lastReadNanos, Direction.INBOUND, p.contents());
                    }
                }
            } catch (Bip324Exception | RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }

    /**
     * Tells the trace recorder that one read from the socket returned {@code bytes} bytes. Messages this read
     * completes are stamped with the same time, so a trace aligns each message with the read that carried it.
     */
    public void recordRead(int bytes) {
        if (bytes > 0 && recorder != TraceRecorder.NONE) {
            long now = clock.nanoTime();
            lastReadNanos = now;
            recorder.write(now, Direction.INBOUND, bytes);
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
            while (!unsentBeforeSession.isEmpty()) {
                submit(unsentBeforeSession.poll());
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
     * The next genuine message, or null. Messages with a short ID this version does not know are skipped, as
     * Bitcoin Core does.
     */
    public NetworkMessage pollMessage() throws Bip324Exception {
        synchronized (inLock) {
            byte[] contents;
            while ((contents = inbound.poll()) != null) {
                V2Decoded decoded;
                try {
                    decoded = V2MessageCodec.decode(contents);
                } catch (Bip324Exception e) {
                    failed = true;
                    throw e;
                }
                if (decoded instanceof V2Decoded.Message m) {
                    return m.message();
                }
            }
            return null;
        }
    }

    // --- outbound --------------------------------------------------------------------------------------------------

    /** Queues a message; its bytes (with whatever padding the shaper adds) come out of {@link #pollWrite()}. */
    public void send(NetworkMessage message) {
        sendContents(V2MessageCodec.encode(message));
    }

    /** Queues one genuine packet's contents (message type + payload). Before the handshake ends, they wait. */
    public void sendContents(byte[] contents) {
        Objects.requireNonNull(contents, "contents");
        if (contents.length > PacketDecoder.DEFAULT_MAX_CONTENTS) {
            throw new IllegalArgumentException("packet contents of " + contents.length + " bytes exceed "
                    + PacketDecoder.DEFAULT_MAX_CONTENTS);
        }
        synchronized (outLock) {
            requireUsable();
            if (session == null) {
                unsentBeforeSession.add(contents);
            } else {
                submit(contents);
            }
        }
    }

    /** Lets the shaper act on the clock; call when the clock passes {@link #nextDeadlineNanos()}. */
    public void tick() {
        synchronized (outLock) {
            if (session == null || failed || closed) {
                return;
            }
            emit(shaper.onTick());
        }
    }

    /** When {@link #tick()} is next due, by the engine's clock; {@link Long#MAX_VALUE} before the session exists. */
    public long nextDeadlineNanos() {
        return session == null || failed || closed ? Long.MAX_VALUE : shaper.nextDeadlineNanos();
    }

    /** The next bytes to write in ONE write, or null when there are none. */
    public byte[] pollWrite() {
        synchronized (outLock) {
            byte[] w = writes.poll();
            if (w != null) {
                pendingWriteBytes -= w.length;
            }
            return w;
        }
    }

    /** Genuine packets submitted but not yet released to {@link #pollWrite()} (waiting for the session or held). */
    public int heldPackets() {
        synchronized (outLock) {
            return heldGenuine.size() + unsentBeforeSession.size();
        }
    }

    /**
     * For an orderly close: puts every genuine packet the shaper still holds (a ticker's queue) into one last write,
     * without asking the shaper, so that closing never silently drops what the application sent. Returns how many
     * packets were released; afterwards only {@link #pollWrite()} and {@link #close()} make sense.
     */
    public int releaseHeldForClose() {
        synchronized (outLock) {
            if (session == null || failed || closed || heldGenuine.isEmpty()) {
                return 0;
            }
            int n = heldGenuine.size();
            WireItem[] items = new WireItem[n];
            java.util.Arrays.fill(items, WireItem.GENUINE);
            emit(Flush.of(items));
            return n;
        }
    }

    /** Bytes waiting in {@link #pollWrite()}: a driver's measure of back-pressure. */
    public long pendingWriteBytes() {
        synchronized (outLock) {
            return pendingWriteBytes;
        }
    }

    private void submit(byte[] contents) {
        heldGenuine.add(contents);
        emit(shaper.onGenuine(contents.length));
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
        for (byte[] contents : heldGenuine) {
            if (index++ == genuine) {
                break;
            }
            total += PacketEncoder.wireLength(contents.length);
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        long now = recorder == TraceRecorder.NONE ? 0 : clock.nanoTime();
        for (WireItem item : flush.items()) {
            if (item instanceof WireItem.Decoy d) {
                // Decoy contents are encrypted like any other, so zeros are as good as random bytes.
                int n = encoder.encode(ByteBuffer.allocate(d.contentsLength()), true, null, out);
                stats.recordWrite(TrafficStats.Kind.DECOY, n);
            } else {
                byte[] contents = heldGenuine.poll();
                // Stamped when it goes on the wire, with its write: a held packet is recorded when released.
                recordMessage(now, Direction.OUTBOUND, contents);
                int n = encoder.encode(ByteBuffer.wrap(contents), false, null, out);
                stats.recordWrite(TrafficStats.Kind.GENUINE, n);
            }
        }
        byte[] bytes = out.array();
        if (flush.cuts().isEmpty()) {
            addWrite(now, bytes);
            return;
        }
        // The strategy chose where writes end, possibly inside a packet: one write per piece, back to back.
        int from = 0;
        for (int length : flush.writeLengths(bytes.length)) {
            addWrite(now, Arrays.copyOfRange(bytes, from, from + length));
            from += length;
        }
    }

    private void takeHandshakeOutbound() {
        if (handshake != null && handshake.hasOutbound()) {
            byte[] bytes = handshake.takeOutbound();
            addWrite(recorder == TraceRecorder.NONE ? 0 : clock.nanoTime(), bytes);
        }
    }

    private void addWrite(long now, byte[] bytes) {
        recorder.write(now, Direction.OUTBOUND, bytes.length);
        writes.add(bytes);
        pendingWriteBytes += bytes.length;
    }

    // --- lifecycle -------------------------------------------------------------------------------------------------

    /** Ends the engine and zeroes its keys; later calls throw. Idempotent. */
    public void close() {
        closed = true;
        synchronized (inLock) {
            synchronized (outLock) {
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

    public boolean isClosed() {
        return closed;
    }

    private void requireUsable() {
        if (closed) {
            throw new HandshakeStateException("engine is closed");
        }
        if (failed) {
            throw new HandshakeStateException("engine failed earlier; close the connection");
        }
    }

    private void recordMessage(long now, Direction direction, byte[] contents) {
        if (recorder == TraceRecorder.NONE || contents.length == 0) {
            return;
        }
        String type;
        int payload;
        int id = contents[0] & 0xff;
        if (id != 0) {
            type = MessageTypes.command(id).orElse("unknown-" + id);
            payload = contents.length - 1;
        } else if (contents.length >= V2MessageCodec.LONG_TYPE_LENGTH) {
            int end = 1;
            while (end < V2MessageCodec.LONG_TYPE_LENGTH && contents[end] != 0) {
                end++;
            }
            type = end == 1 ? "malformed" : new String(contents, 1, end - 1, StandardCharsets.US_ASCII);
            payload = contents.length - V2MessageCodec.LONG_TYPE_LENGTH;
        } else {
            type = "malformed";
            payload = 0;
        }
        recorder.message(now, direction, type, payload);
    }

    @Override
    public String toString() {
        return "ShapedEngine[" + role + ", " + network.id() + (isEstablished() ? ", established" : "") + "]";
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
        private EllSwiftPrivateKey privateKey;

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

        public Builder maxContentsLength(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max contents length must be positive, got " + max);
            }
            this.maxContentsLength = max;
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

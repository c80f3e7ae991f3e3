package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.V1PeerException;
import org.bip324shaper.core.engine.ShapedEngine.State;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V1FrameEncoder;
import org.bip324shaper.core.shaping.DecoyStrategy;
import org.bip324shaper.core.shaping.ShapingSession;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.junit.jupiter.api.Test;

/**
 * The engine's life as {@link ShapedEngine#state()} tells it: every transition, and that a closed engine (the end of a
 * stream) and a failed one (an error with its cause) are told apart, so no driver can report a failure as a clean EOF.
 */
class EngineStateTest {
    private static final NetworkMessage PING = new NetworkMessage("ping", new byte[8]);

    private static ShapedEngine engine(Role role, TrafficConfig config) {
        return ShapedEngine.builder(role, Network.REGTEST).config(config)
                .shapingRandom(new SplittableRandom(role.ordinal())).build();
    }

    /** Moves every write from one engine to the other and collects the messages delivered. */
    private static List<NetworkMessage> deliver(ShapedEngine from, ShapedEngine to) throws Bip324Exception {
        List<NetworkMessage> got = new ArrayList<>();
        byte[] w;
        while ((w = from.pollWrite()) != null) {
            ByteBuffer buf = ByteBuffer.wrap(w);
            while (buf.hasRemaining()) {
                to.receive(buf);
                NetworkMessage m;
                while ((m = to.pollMessage()) != null) {
                    got.add(m);
                }
            }
        }
        return got;
    }

    private static void handshake(ShapedEngine a, ShapedEngine b) throws Bip324Exception {
        for (int i = 0; i < 4 && !(a.isEstablished() && b.isEstablished()); i++) {
            deliver(a, b);
            deliver(b, a);
        }
        assertTrue(a.isEstablished() && b.isEstablished());
    }

    @Test
    void handshakingThenOpenThenOutboundClosedThenClosed() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT);
        assertEquals(State.HANDSHAKING, a.state());
        assertEquals(State.HANDSHAKING, b.state());
        handshake(a, b);
        assertEquals(State.OPEN, a.state());
        assertEquals(State.OPEN, b.state());
        assertEquals(Optional.empty(), a.failure());

        a.closeOutbound();
        assertEquals(State.OUTBOUND_CLOSED, a.state());
        assertThrows(HandshakeStateException.class, () -> a.send(PING), "sending after closeOutbound is misuse");
        b.send(PING);
        assertEquals(List.of(PING), deliver(b, a), "an outbound-closed engine still takes the peer's messages");
        a.closeOutbound();
        assertEquals(State.OUTBOUND_CLOSED, a.state(), "idempotent");

        a.close();
        assertEquals(State.CLOSED, a.state());
        assertTrue(a.isClosed());
        assertEquals(Optional.empty(), a.failure(), "a closed engine did not fail");
        a.close();
        assertEquals(State.CLOSED, a.state(), "idempotent");
    }

    @Test
    void closeOutboundDuringTheHandshakeStaysOutboundClosedOnceEstablished() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT);
        a.send(PING);
        a.closeOutbound();
        assertEquals(State.OUTBOUND_CLOSED, a.state());
        List<NetworkMessage> toB = new ArrayList<>();
        for (int i = 0; i < 4 && !(a.isEstablished() && b.isEstablished()); i++) {
            toB.addAll(deliver(a, b));
            deliver(b, a);
        }
        toB.addAll(deliver(a, b));
        assertTrue(a.isEstablished());
        assertEquals(State.OUTBOUND_CLOSED, a.state(), "the session must not reopen a closed outbound half");
        assertEquals(List.of(PING), toB, "the message accepted before the session still went out");
        assertTrue(a.isOutboundDone());
    }

    @Test
    void aClosedEngineRefusesWithTheClosedExceptionOnly() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT);
        handshake(a, b);
        a.close();
        assertThrows(EngineClosedException.class, () -> a.send(PING));
        assertThrows(EngineClosedException.class, () -> a.sendContents(new byte[] {18}));
        b.send(PING);
        byte[] w = b.pollWrite();
        assertThrows(EngineClosedException.class, () -> a.receive(ByteBuffer.wrap(w)));
        assertEquals(State.CLOSED, a.state(), "refusing work does not turn a closed engine into a failed one");
        assertNull(a.pollWrite());
        assertNull(a.pollMessage());
        assertEquals(Long.MAX_VALUE, a.nextDeadlineNanos());
        a.tick(); // harmless
        a.closeOutbound(); // harmless
        assertEquals(State.CLOSED, a.state());
    }

    @Test
    void aFailedEngineNamesItsCauseAndStaysFailedWhenClosed() throws Exception {
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.DEFAULT);
        handshake(a, b);
        a.send(PING);
        byte[] w = a.pollWrite();
        w[w.length - 1] ^= 1;
        AuthenticationException cause = assertThrows(AuthenticationException.class,
                () -> b.receive(ByteBuffer.wrap(w)));
        assertEquals(State.FAILED, b.state());
        assertSame(cause, b.failure().orElseThrow());

        // misuse after the failure: reported as that failure, never as the closed engine a driver maps to EOF
        EngineFailedException send = assertThrows(EngineFailedException.class, () -> b.send(PING));
        assertSame(cause, send.failure());
        assertSame(cause, send.getCause());
        EngineFailedException receive = assertThrows(EngineFailedException.class,
                () -> b.receive(ByteBuffer.wrap(new byte[1])));
        assertSame(cause, receive.failure());
        assertFalse(EngineClosedException.class.isInstance(send));
        assertEquals(Long.MAX_VALUE, b.nextDeadlineNanos(), "a failed engine ticks no more");

        b.closeOutbound();
        assertEquals(State.FAILED, b.state(), "closeOutbound cannot hide the failure");
        b.close();
        assertTrue(b.isClosed(), "the keys are zeroed");
        assertEquals(State.FAILED, b.state(), "close cannot hide the failure");
        assertSame(cause, b.failure().orElseThrow());
        assertSame(cause, assertThrows(EngineFailedException.class, () -> b.send(PING)).failure());
    }

    @Test
    void aV1PeerFailsTheHandshakingEngine() {
        ShapedEngine responder = engine(Role.RESPONDER, TrafficConfig.DEFAULT);
        byte[] version = new V1FrameEncoder(Network.REGTEST).encode(new NetworkMessage("version", new byte[102]));
        V1PeerException e = assertThrows(V1PeerException.class, () -> responder.receive(ByteBuffer.wrap(version)));
        assertEquals(State.FAILED, responder.state());
        assertSame(e, responder.failure().orElseThrow());
    }

    @Test
    void aBugInsideReceiveFailsTheEngineWithTheBugAsItsCause() throws Exception {
        IllegalStateException bug = new IllegalStateException("a strategy's invariant broke");
        DecoyStrategy broken = (random, now) -> new ShapingSession() {
            @Override
            public void onGenuine(int contentsLength, long nowNanos, org.bip324shaper.core.shaping.Flush.Builder out) {
            }

            @Override
            public void onInbound(int wireBytes, long nowNanos) {
                throw bug;
            }
        };
        ShapedEngine a = engine(Role.INITIATOR, TrafficConfig.DEFAULT);
        ShapedEngine b = engine(Role.RESPONDER, TrafficConfig.builder().decoys(broken).build());
        handshake(a, b);
        a.send(PING);
        byte[] w = a.pollWrite();
        assertSame(bug, assertThrows(IllegalStateException.class, () -> b.receive(ByteBuffer.wrap(w))));
        assertEquals(State.FAILED, b.state());
        EngineFailedException again = assertThrows(EngineFailedException.class, () -> b.send(PING));
        assertInstanceOf(IllegalStateException.class, again.failure());
        assertSame(bug, again.failure());
    }
}

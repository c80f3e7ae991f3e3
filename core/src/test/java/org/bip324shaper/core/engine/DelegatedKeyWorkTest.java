package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.message.NetworkMessage;
import org.junit.jupiter.api.Test;

/** Key work handed out as tasks, SSLEngine style: nothing curve-related runs until a task does. */
class DelegatedKeyWorkTest {
    private static final int KEY = 64;
    /** Terminator plus an empty version packet (3 length + 1 header + 16 tag bytes). */
    private static final int TERMINATOR_AND_VERSION = 16 + 20;

    /** A SecureRandom that counts the bytes drawn from it: key generation draws at least 32 + 32. */
    private static final class CountingRandom extends SecureRandom {
        final AtomicLong drawn = new AtomicLong();

        @Override
        public void nextBytes(byte[] bytes) {
            drawn.addAndGet(bytes.length);
            super.nextBytes(bytes);
        }
    }

    private static ShapedEngine delegating(Role role, SecureRandom random) {
        return ShapedEngine.builder(role, Network.REGTEST).keyRandom(random).delegateKeyWork(true).build();
    }

    @Test
    void noCurveWorkBeforeTheTasksRun() throws Bip324Exception {
        CountingRandom iRandom = new CountingRandom();
        CountingRandom rRandom = new CountingRandom();
        ShapedEngine initiator = delegating(Role.INITIATOR, iRandom);
        ShapedEngine responder = delegating(Role.RESPONDER, rRandom);
        // the default shape has no garbage: nothing at all was drawn, so no key exists
        assertEquals(0, iRandom.drawn.get());
        assertEquals(0, rRandom.drawn.get());
        assertNull(initiator.pollOutbound(), "no key without its task");
        assertTrue(initiator.needsTask());

        Runnable iKeygen = initiator.pollTask();
        assertNotNull(iKeygen);
        assertNull(initiator.pollTask(), "a task is handed out once");
        iKeygen.run();
        assertTrue(iRandom.drawn.get() >= 64);
        assertFalse(initiator.needsTask());
        byte[] iKey = initiator.pollWrite();
        assertEquals(KEY, iKey.length);
        iKeygen.run(); // a second run is a no-op
        assertNull(initiator.pollOutbound(), "running the task twice queued a second key");

        // the responder takes nothing before its own key exists
        ByteBuffer toResponder = ByteBuffer.wrap(iKey);
        ReceiveStatus waiting = responder.receive(toResponder);
        assertEquals(new ReceiveStatus(0, 0, false, false, true), waiting);
        assertEquals(0, toResponder.position());
        responder.pollTask().run();
        // now it takes the key, stops, and asks for the ECDH: only its key is queued, no terminator yet
        ReceiveStatus keyIn = responder.receive(toResponder);
        assertEquals(KEY, keyIn.bytesConsumed());
        assertTrue(keyIn.needsTask());
        assertFalse(keyIn.established());
        assertEquals(KEY, responder.pollWrite().length);
        assertNull(responder.pollOutbound(), "the terminator needs the ECDH");
        assertEquals(0, responder.receive(ByteBuffer.wrap(new byte[5])).bytesConsumed(), "nothing while it waits");
        responder.pollTask().run();
        assertFalse(responder.needsTask());
        byte[] rHandshake = responder.pollWrite();
        assertEquals(TERMINATOR_AND_VERSION, rHandshake.length);

        assertFalse(responder.isEstablished());
        assertEquals(ShapedEngine.State.HANDSHAKING, responder.state());
    }

    /** One direction of a pair: the bytes one engine wrote that the other has not taken yet. */
    private static final class Wire {
        ByteBuffer pending = ByteBuffer.allocate(0);

        boolean carry(ShapedEngine from, ShapedEngine to, java.util.List<NetworkMessage> sink) throws Bip324Exception {
            boolean moved = false;
            OutboundWrite w;
            while ((w = from.pollOutbound()) != null) {
                from.recordWritten(w.bytes().length);
                to.recordRead(w.bytes().length);
                ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + w.bytes().length);
                pending = joined.put(pending).put(w.bytes()).flip();
                moved = true;
            }
            while (pending.hasRemaining()) {
                ReceiveStatus status = to.receive(pending);
                moved |= status.bytesConsumed() > 0;
                NetworkMessage m;
                while ((m = to.pollMessage()) != null) {
                    sink.add(m);
                }
                if (status.needsTask() || status.bytesConsumed() == 0) {
                    break; // the rest waits until the task has run
                }
            }
            return moved;
        }
    }

    /** Hands every task either engine has to {@code executor} and waits for them; true if there were any. */
    private static boolean runTasks(ExecutorService executor, ShapedEngine... engines) throws Exception {
        boolean ran = false;
        for (ShapedEngine e : engines) {
            Runnable task;
            while ((task = e.pollTask()) != null) {
                executor.submit(task).get(10, TimeUnit.SECONDS);
                ran = true;
            }
        }
        return ran;
    }

    @Test
    void twoDelegatingEnginesShakeHandsWithTheirTasksOnAnotherThread() throws Exception {
        Set<Thread> taskThreads = ConcurrentHashMap.newKeySet();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                taskThreads.add(Thread.currentThread());
                r.run();
            }, "key-work");
            t.setDaemon(true);
            return t;
        });
        try {
            ShapedEngine initiator = delegating(Role.INITIATOR, new SecureRandom());
            ShapedEngine responder = delegating(Role.RESPONDER, new SecureRandom());
            java.util.List<NetworkMessage> toInitiator = new java.util.ArrayList<>();
            java.util.List<NetworkMessage> toResponder = new java.util.ArrayList<>();
            Wire forth = new Wire();
            Wire back = new Wire();
            initiator.send(new NetworkMessage("ping", new byte[8])); // waits for the session
            int tasks = 0;
            for (int round = 0; round < 100 && !(initiator.isEstablished() && responder.isEstablished()); round++) {
                boolean ran = runTasks(executor, initiator, responder);
                tasks += ran ? 1 : 0;
                boolean moved = forth.carry(initiator, responder, toResponder) | back.carry(responder, initiator,
                        toInitiator);
                assertTrue(ran || moved, "stuck in round " + round);
            }
            assertTrue(initiator.isEstablished() && responder.isEstablished());
            assertTrue(tasks >= 2, "key generation and ECDH ran as tasks");
            assertEquals(1, taskThreads.size());
            assertFalse(taskThreads.contains(Thread.currentThread()));
            assertArrayEquals(initiator.sessionId().orElseThrow(), responder.sessionId().orElseThrow());

            responder.send(new NetworkMessage("pong", new byte[8]));
            for (int i = 0; i < 10 && (toInitiator.isEmpty() || toResponder.isEmpty()); i++) {
                forth.carry(initiator, responder, toResponder);
                back.carry(responder, initiator, toInitiator);
            }
            assertEquals(java.util.List.of(new NetworkMessage("ping", new byte[8])), toResponder);
            assertEquals(java.util.List.of(new NetworkMessage("pong", new byte[8])), toInitiator);
            assertNull(initiator.pollTask());
            assertFalse(initiator.needsTask() || responder.needsTask());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void closeWithAKeyExchangePendingZeroesTheKeyAndTheTaskDoesNothing() throws Exception {
        EllSwiftPrivateKey ours = EllSwiftPrivateKey.generate(new SecureRandom());
        ShapedEngine initiator = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).privateKey(ours)
                .delegateKeyWork(true).build();
        assertFalse(initiator.needsTask(), "a given key needs no generation");
        assertEquals(KEY, initiator.pollWrite().length);
        ShapedEngine responder = ShapedEngine.builder(Role.RESPONDER, Network.REGTEST).build(); // inline
        responder.receive(ByteBuffer.wrap(ours.publicKey().toBytes()));
        byte[] reply = responder.pollWrite();

        ReceiveStatus status = initiator.receive(ByteBuffer.wrap(reply));
        assertTrue(status.needsTask());
        Runnable ecdh = initiator.pollTask();
        assertNotNull(ecdh);
        initiator.close();
        assertTrue(ours.isDestroyed(), "close zeroes the key the pending ECDH would use");
        assertFalse(initiator.needsTask());
        ecdh.run(); // harmless now
        assertNull(initiator.pollOutbound());
        assertEquals(ShapedEngine.State.CLOSED, initiator.state());
        assertNull(initiator.pollTask());
        assertThrows(EngineClosedException.class, () -> initiator.receive(ByteBuffer.wrap(reply)));
    }

    @Test
    void aKeyGenerationRunAfterCloseGeneratesNothing() {
        CountingRandom random = new CountingRandom();
        ShapedEngine engine = delegating(Role.INITIATOR, random);
        Runnable keygen = engine.pollTask();
        engine.close();
        keygen.run();
        assertEquals(0, random.drawn.get(), "no key was drawn for a closed engine");
        assertNull(engine.pollOutbound());
    }

    @Test
    void withoutDelegationThereAreNoTasks() throws Bip324Exception {
        ShapedEngine engine = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).build();
        assertNull(engine.pollTask());
        assertFalse(engine.needsTask());
        assertEquals(KEY, engine.pollWrite().length);
        assertNull(engine.pollTask(), "still none after the key went out");
    }

    @Test
    void closeRacingARunningKeyExchangeLeavesAClosedEngineAndNoKeys() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 30; round++) {
                EllSwiftPrivateKey ours = EllSwiftPrivateKey.generate(new SecureRandom());
                ShapedEngine initiator = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST).privateKey(ours)
                        .delegateKeyWork(true).build();
                ShapedEngine responder = ShapedEngine.builder(Role.RESPONDER, Network.REGTEST).build();
                responder.receive(ByteBuffer.wrap(initiator.pollWrite()));
                assertTrue(initiator.receive(ByteBuffer.wrap(responder.pollWrite())).needsTask());
                Runnable ecdh = initiator.pollTask();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<?> running = executor.submit(() -> {
                    go.await();
                    ecdh.run(); // must not throw, whatever close() did to the key meanwhile
                    return null;
                });
                go.countDown();
                initiator.close();
                running.get(10, TimeUnit.SECONDS);
                assertEquals(ShapedEngine.State.CLOSED, initiator.state(), "round " + round);
                assertTrue(ours.isDestroyed());
                assertNull(initiator.pollOutbound(), "nothing published after close");
                assertFalse(initiator.needsTask());
            }
        } finally {
            executor.shutdownNow();
        }
    }
}

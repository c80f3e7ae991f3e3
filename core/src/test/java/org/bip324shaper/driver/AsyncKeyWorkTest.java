package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.TrafficConfig;
import org.bip324shaper.driver.Loopback.Kind;
import org.bip324shaper.driver.Loopback.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The asynchronous driver does its key generation and ECDH on the key-work executor, never on a group thread. */
class AsyncKeyWorkTest {
    @RegisterExtension
    static final Loopback loopback = Loopback.perTestClass();

    /** Runs each task on its own pool and records on which thread, and from which thread it was handed over. */
    private static final class RecordingExecutor implements Executor {
        final ExecutorService pool;
        final List<String> ranOn = new CopyOnWriteArrayList<>();
        final List<String> submittedFrom = new CopyOnWriteArrayList<>();

        RecordingExecutor(String name) {
            pool = Executors.newSingleThreadExecutor(Loopback.named(name));
        }

        @Override
        public void execute(Runnable task) {
            submittedFrom.add(Thread.currentThread().getName());
            pool.execute(() -> {
                ranOn.add(Thread.currentThread().getName());
                task.run();
            });
        }
    }

    @Test
    void keyWorkRunsOnTheExecutorOffTheGroupThreads() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            RecordingExecutor initiatorWork = new RecordingExecutor("initiator-keys-");
            RecordingExecutor responderWork = new RecordingExecutor("responder-keys-");
            try (Pair pair = loopback.connect(Kind.ASYNC, Kind.ASYNC,
                    Loopback.options(Role.INITIATOR, TrafficConfig.DEFAULT).keyWorkExecutor(initiatorWork),
                    Loopback.options(Role.RESPONDER, TrafficConfig.DEFAULT).keyWorkExecutor(responderWork))) {
                assertArrayEquals(pair.initiator().sessionId(), pair.responder().sessionId());
                // key generation, then ECDH: two tasks a side, each on its executor's thread
                assertEquals(List.of("initiator-keys-1", "initiator-keys-1"), initiatorWork.ranOn);
                assertEquals(List.of("responder-keys-1", "responder-keys-1"), responderWork.ranOn);
                // the ECDH is asked for by a channel read completion: it was handed over from a group thread
                assertTrue(initiatorWork.submittedFrom.stream().anyMatch(n -> n.startsWith("test-aio-")),
                        initiatorWork.submittedFrom.toString());
                assertFalse(initiatorWork.ranOn.stream().anyMatch(n -> n.startsWith("test-aio-")));

                pair.initiator().send(new NetworkMessage("ping", new byte[8]));
                pair.initiator().flush();
                assertEquals(new NetworkMessage("ping", new byte[8]), pair.responder().receive());
            } finally {
                initiatorWork.pool.shutdownNow();
                responderWork.pool.shutdownNow();
            }
        });
    }
}

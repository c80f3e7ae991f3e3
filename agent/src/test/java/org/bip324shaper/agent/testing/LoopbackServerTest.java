package org.bip324shaper.agent.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test server must not swallow what its handlers throw. */
class LoopbackServerTest {

    private static void connectOnceAndWait(LoopbackServer server) throws Exception {
        try (Socket client = new Socket()) {
            client.connect(server.address(), 5000);
            assertTrue(server.awaitAccepted(1, Duration.ofSeconds(10)));
            assertTrue(server.awaitAllFinished(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aHandlerBugFailsClose() throws Exception {
        IllegalStateException bug = new IllegalStateException("bug in the fake peer");
        LoopbackServer server = new LoopbackServer(socket -> {
            throw bug;
        });
        connectOnceAndWait(server);
        AssertionError error = assertThrows(AssertionError.class, server::close);
        assertSame(bug, error.getCause());
    }

    @Test
    void aConnectionEndingWithAnIOExceptionIsNoFailureOfTheServer() throws Exception {
        LoopbackServer server = new LoopbackServer(socket -> {
            throw new EOFException("the client went away");
        });
        connectOnceAndWait(server);
        assertEquals(1, server.failures().size());
        assertDoesNotThrow(server::close);
    }
}

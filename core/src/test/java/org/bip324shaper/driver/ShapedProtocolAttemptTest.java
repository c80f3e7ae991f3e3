package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.engine.V1Suggestion;
import org.junit.jupiter.api.Test;

/** The blocking driver hands a failed handshake back with the engine's v1 suggestion. */
class ShapedProtocolAttemptTest {

    /** A peer that reads our key, optionally answers with {@code reply}, and hangs up. */
    private static ShapedProtocol.Attempt attemptAgainst(byte[] reply) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, Loopback.LOCALHOST)) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readNBytes(64);
                    s.getOutputStream().write(reply);
                    s.getOutputStream().flush();
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes(); // until our close: no reset overtakes the end of stream
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Socket socket = new Socket(Loopback.LOCALHOST, server.getLocalPort());
            socket.setSoTimeout(5000);
            ShapedProtocol.Attempt attempt = ShapedProtocol.attempt(socket, socket.getInputStream(),
                    ConnectionOptions.of(Role.INITIATOR, Network.REGTEST));
            assertTrue(socket.isClosed(), "a failed attempt closes the socket");
            peer.join();
            return attempt;
        }
    }

    @Test
    void aPeerThatHangsUpSilentlySuggestsV1() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ShapedProtocol.Attempt.Failed failed = assertInstanceOf(ShapedProtocol.Attempt.Failed.class,
                    attemptAgainst(new byte[0]));
            assertInstanceOf(EOFException.class, failed.error());
            assertEquals(V1Suggestion.RETRY_V1, failed.suggestion());
        });
    }

    @Test
    void aPeerThatSentTwoBytesAborts() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ShapedProtocol.Attempt.Failed failed = assertInstanceOf(ShapedProtocol.Attempt.Failed.class,
                    attemptAgainst(new byte[] {1, 2}));
            assertInstanceOf(EOFException.class, failed.error());
            assertEquals(V1Suggestion.ABORT, failed.suggestion());
        });
    }
}

package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HandshakeWarmUpTest {

    private static long warmUpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("bip324-warm-up")).count();
    }

    @Test
    void eachRoundCompletesAHandshakeAndAnEchoAndLeavesNoThreadBehind() {
        // once() throws if the handshake or the echo fails; run() would swallow that
        assertTimeoutPreemptively(Duration.ofSeconds(60), HandshakeWarmUp::once);
        assertEquals(0, warmUpThreads(), "the responder thread must have ended");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new HandshakeWarmUp().run());
        assertEquals(0, warmUpThreads(), "the responder threads must have ended");
    }
}

package org.bip324shaper.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.junit.jupiter.api.Test;

/**
 * {@link ShapedProtocol#hasReadyMessage()}: true exactly when the next read needs no bytes from the stream. Over
 * pipes, so what the peer wrote is all there before the first read.
 */
class ReadyMessageTest {

    @Test
    void messagesThatCameWithOneReadAreReadyAndTheLastOneIsNot() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                PipedOutputStream toResponder = new PipedOutputStream();
                PipedInputStream responderIn = new PipedInputStream(toResponder, 1 << 20);
                PipedOutputStream toInitiator = new PipedOutputStream();
                PipedInputStream initiatorIn = new PipedInputStream(toInitiator, 1 << 20);
                Future<ShapedProtocol> responder = pool.submit(() -> ShapedProtocol.over(responderIn, toInitiator,
                        ShapedProtocol.options(Role.RESPONDER, Network.REGTEST)));
                try (ShapedProtocol initiator = ShapedProtocol.over(initiatorIn, toResponder,
                        ShapedProtocol.options(Role.INITIATOR, Network.REGTEST))) {
                    ShapedProtocol peer = responder.get();
                    NetworkMessage[] sent = {
                        new NetworkMessage("merkleblock", new byte[250]),
                        new NetworkMessage("tx", new byte[300]),
                        new NetworkMessage("inv", new byte[37])};
                    // written on the pool's thread, which stays alive, as the pipe wants of its writer
                    pool.submit(() -> {
                        for (NetworkMessage m : sent) {
                            peer.write(m);
                        }
                        return null;
                    }).get();
                    assertEquals(sent[0], initiator.read());
                    assertTrue(initiator.hasReadyMessage());
                    assertTrue(initiator.hasReadyMessage(), "asking again keeps the message");
                    assertEquals(sent[1], initiator.read());
                    assertTrue(initiator.hasReadyMessage());
                    assertEquals(sent[2], initiator.read());
                    assertFalse(initiator.hasReadyMessage(), "nothing more was written");
                    pool.submit(() -> {
                        peer.close();
                        return null;
                    });
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }
}

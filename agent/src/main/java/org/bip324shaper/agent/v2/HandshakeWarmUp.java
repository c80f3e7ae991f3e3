package org.bip324shaper.agent.v2;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.message.V2MessageCodec;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * BIP-324 connections between two throwaway keys in memory (piped streams, no sockets), off the connect path:
 * loads and warms up what a first real connection needs besides its key (the driver and engine, ElligatorSwift
 * decoding, ECDH, the key schedule, the packet cipher, the message codec), which in a cold JVM would otherwise
 * take hundreds of milliseconds while a peer waits. Each runs a handshake and one message each way; a second
 * round lets the JIT compile the field arithmetic. Nothing reaches the network; keys and sessions are destroyed
 * when the connections close.
 */
public final class HandshakeWarmUp implements Runnable {

    static final int ROUNDS = 2;

    @Override
    public void run() {
        for (int i = 0; i < ROUNDS; i++) {
            try {
                once();
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return; // a warm-up only: the real connections report their own failures
            }
        }
    }

    /** One connection pair: handshake, a ping one way and its echo back; throws if any of it fails. */
    static void once() throws IOException, InterruptedException {
        PipedOutputStream toResponder = new PipedOutputStream();
        PipedInputStream responderIn = new PipedInputStream(toResponder, 1 << 16);
        PipedOutputStream toInitiator = new PipedOutputStream();
        PipedInputStream initiatorIn = new PipedInputStream(toInitiator, 1 << 16);
        Thread responder = new Thread(new Runnable() {
            @Override
            public void run() {
                try (ShapedProtocol peer = ShapedProtocol.over(responderIn, toInitiator,
                        ShapedProtocol.options(Role.RESPONDER, Network.MAINNET))) {
                    peer.writeContents(peer.readContents());
                } catch (IOException | RuntimeException e) {
                    // the initiator side notices and ends the round
                }
            }
        }, "bip324-warm-up");
        responder.setDaemon(true);
        responder.start();
        try (ShapedProtocol us = ShapedProtocol.over(initiatorIn, toResponder,
                ShapedProtocol.options(Role.INITIATOR, Network.MAINNET))) {
            us.writeContents(V2MessageCodec.encode(new NetworkMessage("ping", new byte[8])));
            us.readContents();
        } finally {
            toResponder.close();
            responder.join(10_000);
            initiatorIn.close();
        }
    }
}

package org.bip324shaper.agent.v2;

import java.nio.ByteBuffer;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.handshake.Handshake;
import org.bip324shaper.core.handshake.Role;

/**
 * One BIP-324 handshake between two throwaway keys in memory, off the connect path: loads and warms up what the
 * first real handshake needs besides its key (ElligatorSwift decoding, ECDH, the key schedule, the packet
 * cipher), which in a cold JVM would otherwise take hundreds of milliseconds while a peer waits. Nothing goes on
 * the network; both keys and sessions are destroyed.
 */
public final class HandshakeWarmUp implements Runnable {

    @Override
    public void run() {
        Handshake initiator = Handshake.builder(Role.INITIATOR, Network.MAINNET).build();
        Handshake responder = Handshake.builder(Role.RESPONDER, Network.MAINNET).build();
        try {
            for (int round = 0; round < 4 && !(initiator.isComplete() && responder.isComplete()); round++) {
                deliver(initiator, responder);
                deliver(responder, initiator);
            }
            if (initiator.isComplete() && responder.isComplete()) {
                initiator.finish().destroy();
                responder.finish().destroy();
            }
        } catch (Bip324Exception e) {
            // a warm-up only: the real handshakes report their own failures
        } finally {
            initiator.destroy();
            responder.destroy();
        }
    }

    private static void deliver(Handshake from, Handshake to) throws Bip324Exception {
        if (from.hasOutbound()) {
            to.receive(ByteBuffer.wrap(from.takeOutbound()));
        }
    }
}

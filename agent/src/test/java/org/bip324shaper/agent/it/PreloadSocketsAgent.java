package org.bip324shaper.agent.it;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * A helper agent run before the bip324 agent: it loads {@code java.net.Socket} and
 * {@code sun.nio.ch.SocketChannelImpl}, as another agent or a dynamic attach would find them, so the bip324
 * agent must weave them by retransformation instead of at load time.
 */
public final class PreloadSocketsAgent {

    private PreloadSocketsAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) throws IOException {
        new Socket().close();
        SocketChannel.open().close();
    }
}

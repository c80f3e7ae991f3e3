package org.bip324shaper.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test method, because the dispatcher's hook is a JVM-wide, install-once static: the steps below run in order
 * against the single installed hook.
 */
class ConnectDispatcherTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("192.0.2.1", 8333);
    private static final InetSocketAddress BRIDGE = new InetSocketAddress("127.0.0.1", 40_000);

    /** Redirects or throws on demand. */
    private static final class ScriptedHook implements ConnectHook {
        RuntimeException failure;
        Error error;
        SocketAddress answer = BRIDGE;
        final List<String> calls = new ArrayList<>();

        @Override
        public SocketAddress beforeConnect(Object socket, SocketAddress target) {
            calls.add("before " + target);
            if (error != null) {
                throw error;
            }
            if (failure != null) {
                throw failure;
            }
            return answer;
        }

        @Override
        public void afterConnect(Object socket, SocketAddress realPeer, Throwable thrown) throws Exception {
            calls.add("after " + realPeer);
            if (failure != null) {
                throw new Exception("checked failure");
            }
        }
    }

    @Test
    void forwardsToTheHookAndFailsOpen() {
        // before any hook: everything untouched
        assertSame(TARGET, ConnectDispatcher.beforeConnect(new Object(), TARGET));
        assertSame(BRIDGE, ConnectDispatcher.reportedRemote(BRIDGE));
        ConnectDispatcher.afterConnect(new Object(), null);

        ScriptedHook hook = new ScriptedHook();
        assertThrows(NullPointerException.class, () -> ConnectDispatcher.install(null));
        assertTrue(ConnectDispatcher.install(hook));
        assertFalse(ConnectDispatcher.install(new ScriptedHook()), "a second agent copy must not replace the hook");

        // a redirected connect: the channel reports the real peer, and the exit hands it to the hook once
        assertSame(BRIDGE, ConnectDispatcher.beforeConnect(new Object(), TARGET));
        assertSame(TARGET, ConnectDispatcher.reportedRemote(BRIDGE));
        ConnectDispatcher.afterConnect(new Object(), null);
        assertEquals(List.of("before " + TARGET, "after " + TARGET), hook.calls);
        // the next connect on this thread starts clean
        assertSame(BRIDGE, ConnectDispatcher.reportedRemote(BRIDGE));
        ConnectDispatcher.afterConnect(new Object(), null);
        assertEquals(2, hook.calls.size(), "an exit without a redirect must not reach the hook");

        // a redirected connect that throws still reaches the hook, with the real peer
        assertSame(BRIDGE, ConnectDispatcher.beforeConnect(new Object(), TARGET));
        ConnectDispatcher.afterConnect(new Object(), new java.io.IOException("refused"));
        assertEquals("after " + TARGET, hook.calls.get(3));

        assertSame(null, ConnectDispatcher.beforeConnect(new Object(), null), "null target: the JDK reports it");

        hook.answer = null;
        assertSame(TARGET, ConnectDispatcher.beforeConnect(new Object(), TARGET), "null answer means no change");
        assertSame(BRIDGE, ConnectDispatcher.reportedRemote(BRIDGE), "not redirected: nothing to report");

        hook.answer = TARGET;
        assertSame(TARGET, ConnectDispatcher.beforeConnect(new Object(), TARGET), "the same target is no redirect");
        assertSame(BRIDGE, ConnectDispatcher.reportedRemote(BRIDGE));

        hook.answer = BRIDGE;
        hook.failure = new IllegalStateException("bug in the agent");
        assertSame(TARGET, ConnectDispatcher.beforeConnect(new Object(), TARGET));
        ConnectDispatcher.afterConnect(new Object(), null); // must not throw

        hook.failure = null;
        hook.error = new StackOverflowError();
        assertSame(TARGET, ConnectDispatcher.beforeConnect(new Object(), TARGET));
        assertSame(BRIDGE, ConnectDispatcher.reportedRemote(BRIDGE));
    }
}

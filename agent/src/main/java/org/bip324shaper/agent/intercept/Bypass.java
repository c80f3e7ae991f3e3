package org.bip324shaper.agent.intercept;

import java.io.IOException;

/**
 * Marks the current thread as the agent's own dialer, so the connect hook leaves its connects alone (otherwise
 * the bridge's dial to the real peer would be redirected back into the bridge).
 */
final class Bypass {

    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

    private Bypass() {
    }

    static boolean isActive() {
        return ACTIVE.get() != null;
    }

    interface IoAction<T> {
        T run() throws IOException;
    }

    static <T> T run(IoAction<T> action) throws IOException {
        if (isActive()) {
            return action.run();
        }
        ACTIVE.set(Boolean.TRUE);
        try {
            return action.run();
        } finally {
            ACTIVE.remove();
        }
    }
}

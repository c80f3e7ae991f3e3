package org.bip324shaper.agent.jmx;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionFallback;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.log.AgentLog;

/**
 * Feeds an {@link AgentStatus} and registers it as the platform MBean when the first connection event arrives, on a
 * daemon thread. Starting the platform MBean server costs about 150 ms of CPU (measured on a hello-world with and
 * without it), which a wallet should not pay in premain, nor at all if it never connects.
 */
public final class RegisterOnFirstEvent implements ConnectionEvents {

    private final AgentStatus status;
    private final AgentLog log;
    private final AtomicBoolean registered = new AtomicBoolean();

    public RegisterOnFirstEvent(AgentStatus status, AgentLog log) {
        this.status = status;
        this.log = log;
    }

    private void register() {
        if (registered.compareAndSet(false, true)) {
            AgentStatus.registerPlatformLater(status, log);
        }
    }

    @Override
    public void opened(ConnectionOpened event) {
        status.opened(event);
        register();
    }

    @Override
    public void fellBack(ConnectionFallback event) {
        status.fellBack(event);
        register();
    }

    @Override
    public void closed(ConnectionClosed event) {
        status.closed(event);
    }

    @Override
    public void failed(ConnectionFailure event) {
        status.failed(event);
        register();
    }
}

package org.bip324shaper.agent.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionFallback;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.shaping.TrafficStats;

/** Keeps the {@link AgentMXBean} view up to date from the connection events. */
public final class AgentStatus implements AgentMXBean, ConnectionEvents {

    public static final String OBJECT_NAME = "org.bip324shaper:type=Agent";

    private final String mode;
    private final String configuration;
    private final Map<Long, ConnectionOpened> open = new ConcurrentSkipListMap<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong v2 = new AtomicLong();
    private final AtomicLong v1 = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    // wire bytes of connections already closed
    private final AtomicLong closedGenuineSent = new AtomicLong();
    private final AtomicLong closedDecoySent = new AtomicLong();
    private final AtomicLong closedGenuineReceived = new AtomicLong();
    private final AtomicLong closedDecoyReceived = new AtomicLong();

    public AgentStatus(String mode, String configuration) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /**
     * Registers {@code status} as {@value #OBJECT_NAME} in the platform MBean server. Returns false (and logs why)
     * if that name is taken, e.g. by a second socket factory in the same JVM, or JMX is unavailable.
     */
    public static boolean registerPlatform(AgentStatus status, AgentLog log) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(status, new ObjectName(OBJECT_NAME));
            log.debug("MBean " + OBJECT_NAME + " registered");
            return true;
        } catch (InstanceAlreadyExistsException e) {
            log.debug("MBean " + OBJECT_NAME + " already registered in this JVM; this one is not");
            return false;
        } catch (JMException | RuntimeException | LinkageError e) {
            log.warn("cannot register the MBean " + OBJECT_NAME + ": " + e);
            return false;
        }
    }

    /** Registers on a daemon thread, so that premain never waits for the platform MBean server. */
    public static void registerPlatformLater(AgentStatus status, AgentLog log) {
        Thread thread = new Thread(new Runnable() { // no lambda bootstrap in premain
            @Override
            public void run() {
                registerPlatform(status, log);
            }
        }, "bip324-jmx");
        thread.setDaemon(true);
        thread.start();
    }

    /** Removes {@value #OBJECT_NAME} if this is the registered one. */
    public static void unregisterPlatform() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(OBJECT_NAME));
        } catch (JMException | RuntimeException e) {
            // not registered: nothing to remove
        }
    }

    @Override
    public void opened(ConnectionOpened event) {
        open.put(event.id(), event);
        total.incrementAndGet();
        (event.isV2() ? v2 : v1).incrementAndGet();
    }

    @Override
    public void fellBack(ConnectionFallback event) {
        fallbacks.incrementAndGet();
    }

    @Override
    public void closed(ConnectionClosed event) {
        open.remove(event.id());
        undelivered.addAndGet(event.undelivered().messages());
        if (event.wire().isPresent()) {
            TrafficStats.Snapshot wire = event.wire().get();
            closedGenuineSent.addAndGet(wire.written().genuineBytes());
            closedDecoySent.addAndGet(wire.written().decoyBytes());
            closedGenuineReceived.addAndGet(wire.read().genuineBytes());
            closedDecoyReceived.addAndGet(wire.read().decoyBytes());
        }
    }

    @Override
    public void failed(ConnectionFailure event) {
        failures.incrementAndGet();
    }

    @Override
    public String getMode() {
        return mode;
    }

    @Override
    public String getConfiguration() {
        return configuration;
    }

    @Override
    public ConnectionView[] getConnections() {
        List<ConnectionView> views = new ArrayList<>();
        for (ConnectionOpened c : open.values()) {
            Optional<TrafficStats.Snapshot> wire = c.liveWire().get();
            views.add(new ConnectionView(c.id(), LogFormat.address(c.peer()), c.network().map(Network::id)
                    .orElse("unknown"), c.transport(), c.sessionId().orElse("-"),
                    wire.map(w -> w.written().genuineBytes()).orElse(0L),
                    wire.map(w -> w.written().decoyBytes()).orElse(0L),
                    wire.map(w -> w.read().genuineBytes()).orElse(0L),
                    wire.map(w -> w.read().decoyBytes()).orElse(0L)));
        }
        return views.toArray(new ConnectionView[0]);
    }

    @Override
    public int getOpenConnections() {
        return open.size();
    }

    @Override
    public long getTotalConnections() {
        return total.get();
    }

    @Override
    public long getV2Connections() {
        return v2.get();
    }

    @Override
    public long getV1Connections() {
        return v1.get();
    }

    @Override
    public long getFallbacks() {
        return fallbacks.get();
    }

    @Override
    public long getFailures() {
        return failures.get();
    }

    @Override
    public long getUndeliveredMessages() {
        return undelivered.get();
    }

    @Override
    public long getGenuineBytesSent() {
        long sum = closedGenuineSent.get();
        for (ConnectionView c : getConnections()) {
            sum += c.getGenuineBytesSent();
        }
        return sum;
    }

    @Override
    public long getDecoyBytesSent() {
        long sum = closedDecoySent.get();
        for (ConnectionView c : getConnections()) {
            sum += c.getDecoyBytesSent();
        }
        return sum;
    }

    @Override
    public long getGenuineBytesReceived() {
        long sum = closedGenuineReceived.get();
        for (ConnectionView c : getConnections()) {
            sum += c.getGenuineBytesReceived();
        }
        return sum;
    }

    @Override
    public long getDecoyBytesReceived() {
        long sum = closedDecoyReceived.get();
        for (ConnectionView c : getConnections()) {
            sum += c.getDecoyBytesReceived();
        }
        return sum;
    }
}

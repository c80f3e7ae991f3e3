package org.bip324shaper.agent.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.bip324shaper.agent.events.ConnectionClosed;
import org.bip324shaper.agent.events.ConnectionFailure;
import org.bip324shaper.agent.events.ConnectionFallback;
import org.bip324shaper.agent.events.ConnectionOpened;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogLevel;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.engine.Delivery;
import org.junit.jupiter.api.Test;

/** The MBean read the way jconsole reads it: through the platform MBean server, as open data. */
class AgentStatusTest {

    @Test
    void connectionsAndTotalsAreReadableAsOpenData() throws Exception {
        AgentStatus status = new AgentStatus("proxy", "padding=off");
        AgentLog log = new AgentLog(LogLevel.DEBUG, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertTrue(AgentStatus.registerPlatform(status, log));
        try {
            assertFalse(AgentStatus.registerPlatform(new AgentStatus("proxy", ""), log), "one per JVM");
            InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 18444);
            status.opened(new ConnectionOpened(1, peer, Optional.of(Network.REGTEST), "v2",
                    Optional.of("ab".repeat(32)),
                    Optional.empty(), () -> Optional.empty()));
            status.fellBack(new ConnectionFallback(2, peer, "peer closed", Duration.ofMinutes(30)));
            status.opened(new ConnectionOpened(2, peer, Optional.of(Network.REGTEST), "v1", Optional.empty(),
                    Optional.of("v1 fallback"), () -> Optional.empty()));
            status.failed(new ConnectionFailure(3, peer, ConnectionFailure.Stage.UPSTREAM, "refused"));

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("org.bip324shaper:type=Agent");
            assertEquals("proxy", server.getAttribute(name, "Mode"));
            assertEquals(2, server.getAttribute(name, "OpenConnections"));
            assertEquals(1L, server.getAttribute(name, "V2Connections"));
            assertEquals(1L, server.getAttribute(name, "Fallbacks"));
            assertEquals(1L, server.getAttribute(name, "Failures"));
            CompositeData[] connections = (CompositeData[]) server.getAttribute(name, "Connections");
            assertEquals(2, connections.length);
            assertEquals("127.0.0.1:18444", connections[0].get("peer"));
            assertEquals("v2", connections[0].get("transport"));
            assertEquals("ab".repeat(32), connections[0].get("sessionId"));
            assertEquals("-", connections[1].get("sessionId"));

            status.closed(new ConnectionClosed(1, peer, "v2", 10, 20, Optional.empty(), new Delivery(2, 300)));
            assertEquals(1, server.getAttribute(name, "OpenConnections"));
            assertEquals(2L, server.getAttribute(name, "TotalConnections"));
            assertEquals(2L, server.getAttribute(name, "UndeliveredMessages"), "a loss is never silent");
        } finally {
            AgentStatus.unregisterPlatform();
        }
    }
}

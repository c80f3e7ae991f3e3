package org.bip324shaper.agent.jmx;

/**
 * The platform MBean {@value AgentStatus#OBJECT_NAME}: the open connections and totals since start, for jconsole,
 * VisualVM or any JMX client. Byte counts are v2 wire bytes by kind; nothing here is a key or message content.
 */
public interface AgentMXBean {

    /** {@code agent}, {@code proxy} or {@code socket-factory}. */
    String getMode();

    /** The effective options, as agent arguments. */
    String getConfiguration();

    /** The connections open now. */
    ConnectionView[] getConnections();

    int getOpenConnections();

    long getTotalConnections();

    long getV2Connections();

    long getV1Connections();

    /** Connections that fell back to v1 because the peer dropped the v2 attempt. */
    long getFallbacks();

    /** Connections whose upstream could not be opened or that ended on bad data. */
    long getFailures();

    /** Messages handed over that never reached the peer, over closed connections: 0 unless a close was cut short. */
    long getUndeliveredMessages();

    /** Totals over closed and open connections. */
    long getGenuineBytesSent();

    long getDecoyBytesSent();

    long getGenuineBytesReceived();

    long getDecoyBytesReceived();
}

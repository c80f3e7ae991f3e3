package org.bip324shaper.agent.jmx;

/** One open connection as the MBean shows it (a JMX composite: one getter per item). */
public final class ConnectionView {
    private final long id;
    private final String peer;
    private final String network;
    private final String transport;
    private final String sessionId;
    private final long genuineBytesSent;
    private final long decoyBytesSent;
    private final long genuineBytesReceived;
    private final long decoyBytesReceived;

    public ConnectionView(long id, String peer, String network, String transport, String sessionId,
                          long genuineBytesSent, long decoyBytesSent, long genuineBytesReceived,
                          long decoyBytesReceived) {
        this.id = id;
        this.peer = peer;
        this.network = network;
        this.transport = transport;
        this.sessionId = sessionId;
        this.genuineBytesSent = genuineBytesSent;
        this.decoyBytesSent = decoyBytesSent;
        this.genuineBytesReceived = genuineBytesReceived;
        this.decoyBytesReceived = decoyBytesReceived;
    }

    public long getId() {
        return id;
    }

    public String getPeer() {
        return peer;
    }

    public String getNetwork() {
        return network;
    }

    public String getTransport() {
        return transport;
    }

    /** The BIP-324 session id as Bitcoin Core's getpeerinfo prints it; {@code -} for v1. */
    public String getSessionId() {
        return sessionId;
    }

    public long getGenuineBytesSent() {
        return genuineBytesSent;
    }

    public long getDecoyBytesSent() {
        return decoyBytesSent;
    }

    public long getGenuineBytesReceived() {
        return genuineBytesReceived;
    }

    public long getDecoyBytesReceived() {
        return decoyBytesReceived;
    }
}

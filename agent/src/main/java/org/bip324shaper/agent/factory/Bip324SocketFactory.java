package org.bip324shaper.agent.factory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import org.bip324shaper.agent.bridge.UpstreamConnector;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.AgentConfigParser;
import org.bip324shaper.agent.config.ParsedConfig;
import org.bip324shaper.agent.events.ConnectionEventHub;
import org.bip324shaper.agent.events.ConnectionEvents;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.jmx.AgentStatus;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.v2.V2UpstreamConnector;
import org.bip324shaper.core.Network;

/**
 * BIP-324 without a java agent, for apps where {@code -javaagent} is impossible (Android, jlink images): its
 * sockets speak v1 to their user and v2 with shaping to the peer, through the same upstream as the agent
 * ({@link V2UpstreamConnector}: v1 fallback, v1-only memory, {@code require-v2}, traces, events and log lines).
 *
 * <pre>{@code
 * BlockingClientManager sockets = new BlockingClientManager(Bip324SocketFactory.forNetwork(Network.MAINNET));
 * }</pre>
 *
 * <p>The network is fixed per factory: the v2 handshake (whose key derivation needs the network) runs inside
 * {@link Socket#connect}, before the user writes anything, so a connect that returns is already v2 or v1. Works
 * with any client that only connects, reads, writes and closes its sockets (bitcoinj's blocking client does).
 */
public final class Bip324SocketFactory extends SocketFactory {

    private final Network network;
    private final AgentConfig config;
    private final UpstreamConnector connector;
    private final ConnectionEventHub events;
    private final AtomicLong ids = new AtomicLong();

    private Bip324SocketFactory(Network network, AgentConfig config, AgentLog log, ConnectionEventHub events) {
        this.network = Objects.requireNonNull(network, "network");
        this.config = Objects.requireNonNull(config, "config");
        this.events = events;
        this.connector = new V2UpstreamConnector(config, log, events);
    }

    /**
     * A factory configured like the agent: {@code bip324.*} system properties, {@code BIP324_*} environment
     * variables and {@code bip324.config=FILE} (problems are logged, defaults used).
     */
    public static Bip324SocketFactory forNetwork(Network network) {
        ParsedConfig parsed = AgentConfigParser.parseWithSystemSettings(null);
        AgentLog log = AgentLog.to(parsed.config().logSink(), parsed.config().logLevel());
        for (String problem : parsed.problems()) {
            log.warn("config: " + problem);
        }
        return create(network, parsed.config(), log);
    }

    /** A factory with exactly this configuration (its ports and loopback options do not apply here). */
    public static Bip324SocketFactory create(Network network, AgentConfig config) {
        return create(network, config, AgentLog.to(config.logSink(), config.logLevel()));
    }

    private static Bip324SocketFactory create(Network network, AgentConfig config, AgentLog log) {
        ConnectionEventHub events = new ConnectionEventHub(new ConnectionLogLines(log));
        if (config.jmx()) {
            try {
                AgentStatus status = new AgentStatus("socket-factory", config.toAgentArgs());
                if (AgentStatus.registerPlatform(status, log)) { // the first factory of a JVM owns the MBean
                    events.subscribe(status);
                }
            } catch (LinkageError e) {
                log.debug("no JMX on this platform (e.g. Android): " + e); // java.lang.management is optional
            }
        }
        return new Bip324SocketFactory(network, config, log, events);
    }

    /**
     * Adds a listener to this factory's connection events (open, fallback, close with counts, failure).
     *
     * @return closing it unsubscribes
     */
    public AutoCloseable subscribe(ConnectionEvents listener) {
        return events.subscribe(listener);
    }

    public Network network() {
        return network;
    }

    public AgentConfig config() {
        return config;
    }

    /** An unconnected socket; {@link Socket#connect(java.net.SocketAddress, int)} dials and shakes hands. */
    @Override
    public Socket createSocket() {
        return new Bip324Socket(ids.incrementAndGet(), network, connector, events);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new java.net.SocketException("binding a local address is not supported; use createSocket(host, port)");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new java.net.SocketException("binding a local address is not supported; use createSocket(host, port)");
    }

    private Socket connected(InetSocketAddress peer) throws IOException {
        Socket socket = createSocket();
        try {
            socket.connect(peer);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}

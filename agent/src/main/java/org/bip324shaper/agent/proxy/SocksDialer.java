package org.bip324shaper.agent.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.agent.bridge.PeerDialer;

/**
 * Dials peers for the proxy: directly, or through an upstream SOCKS5 proxy such as Tor (then an unresolved peer's
 * name is resolved by that proxy, never locally).
 */
final class SocksDialer implements PeerDialer {

    private final Optional<InetSocketAddress> upstream;
    private final int timeoutMillis;

    SocksDialer(Optional<InetSocketAddress> upstream, Duration connectTimeout) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.timeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    }

    @Override
    public Socket dial(InetSocketAddress peer) throws IOException {
        Socket socket = upstream.isPresent()
                ? new Socket(new Proxy(Proxy.Type.SOCKS, resolved(upstream.get())))
                : new Socket(Proxy.NO_PROXY);
        try {
            socket.connect(peer, timeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }
}

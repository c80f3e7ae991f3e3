package org.bip324shaper.agent.intercept;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketImpl;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The two things about a {@code java.net.Socket} that public API cannot tell or change: whether a connect will go
 * through a proxy, and the remote address it reports. Reads and writes JDK-private fields, so it only works once
 * the agent has opened {@code java.net} to itself ({@code Instrumentation.redefineModule}); the field names are
 * the same on JDK 17 and 25. {@link #load()} fails if they are not there, and the hook then leaves
 * {@code java.net.Socket} alone.
 */
final class JdkSocketInternals {

    private final Field socketImpl;          // Socket.impl
    private final Class<?> socksImpl;        // SocksSocketImpl: wraps the platform impl of every default Socket
    private final Field socksServer;         // SocksSocketImpl.server: non-null when a SOCKS Proxy was given
    private final Class<?> httpConnectImpl;  // HttpConnectSocketImpl: Socket(Proxy) with an HTTP proxy
    private final Class<?> delegatingImpl;   // DelegatingSocketImpl: SocksSocketImpl's base
    private final Field delegate;            // DelegatingSocketImpl.delegate
    private final Field implAddress;         // SocketImpl.address
    private final Field implPort;            // SocketImpl.port

    private JdkSocketInternals() throws ReflectiveOperationException {
        socketImpl = accessible(Socket.class.getDeclaredField("impl"));
        // looked up without initialising: HttpConnectSocketImpl's initialiser drags in the HTTP client
        socksImpl = Class.forName("java.net.SocksSocketImpl", false, null);
        socksServer = accessible(socksImpl.getDeclaredField("server"));
        httpConnectImpl = Class.forName("java.net.HttpConnectSocketImpl", false, null);
        delegatingImpl = Class.forName("java.net.DelegatingSocketImpl", false, null);
        delegate = accessible(delegatingImpl.getDeclaredField("delegate"));
        implAddress = accessible(SocketImpl.class.getDeclaredField("address"));
        implPort = accessible(SocketImpl.class.getDeclaredField("port"));
    }

    static JdkSocketInternals load() throws ReflectiveOperationException {
        try {
            return new JdkSocketInternals();
        } catch (RuntimeException e) { // InaccessibleObjectException when java.net is not opened to us
            throw new ReflectiveOperationException(e);
        }
    }

    /**
     * Whether connecting {@code socket} to {@code target} could go through a proxy: an explicit SOCKS or HTTP
     * {@code Proxy}, a SOCKS proxy the default {@link ProxySelector} picks (what {@code SocksSocketImpl} does),
     * or a custom {@code SocketImpl} we cannot see into. Errs on "proxied": a false "no" would leak the wallet's
     * address past its proxy.
     */
    boolean mayUseProxy(Socket socket, InetSocketAddress target) {
        try {
            Object impl = socketImpl.get(socket);
            if (impl == null) {
                return true;
            }
            Class<?> type = impl.getClass();
            if (type == httpConnectImpl) {
                return true;
            }
            if (type == socksImpl) {
                return socksServer.get(impl) != null || selectorPicksSocks(target);
            }
            // the platform impl itself (Socket(Proxy.NO_PROXY)) goes direct; anything else is a custom factory's
            return type.getClassLoader() != null;
        } catch (ReflectiveOperationException | URISyntaxException | RuntimeException e) {
            return true;
        }
    }

    private static boolean selectorPicksSocks(InetSocketAddress target) throws URISyntaxException {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return false;
        }
        List<Proxy> proxies = selector.select(new URI("socket", null, target.getHostString(), target.getPort(),
                null, null, null));
        // SocksSocketImpl tries the first entry: SOCKS means proxied, anything else means a direct connect
        return proxies != null && !proxies.isEmpty() && proxies.get(0) != null
                && proxies.get(0).type() == Proxy.Type.SOCKS;
    }

    /** Makes {@code socket} report {@code realPeer} from getInetAddress/getPort/getRemoteSocketAddress. */
    void reportRemote(Socket socket, InetSocketAddress realPeer) throws ReflectiveOperationException {
        InetAddress address = realPeer.getAddress();
        for (Object impl = socketImpl.get(socket); impl != null;
             impl = delegatingImpl.isInstance(impl) ? delegate.get(impl) : null) {
            implAddress.set(impl, address);
            implPort.setInt(impl, realPeer.getPort());
        }
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }
}

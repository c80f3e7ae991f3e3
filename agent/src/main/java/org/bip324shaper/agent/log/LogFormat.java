package org.bip324shaper.agent.log;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Short, lookup-free renderings for log lines. */
public final class LogFormat {

    private LogFormat() {
    }

    /** {@code 203.0.113.5:8333}, {@code [2001:db8::1]:8333}, or the host name if unresolved. Never does DNS. */
    public static String address(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            return String.valueOf(address);
        }
        if (inet.getAddress() == null) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        String host = inet.getAddress().getHostAddress();
        return (inet.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
}

package org.bip324shaper.agent.intercept;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import org.bip324shaper.agent.bridge.PeerDialer;

/**
 * Dials real peers for the bridge, past the connect redirection. Direct on purpose: a connect that a proxy would
 * have carried is never redirected in the first place, so the bridge only reaches peers the wallet itself would
 * have reached directly.
 */
public final class BypassingDialer implements PeerDialer {

    private final int connectTimeoutMillis;

    public BypassingDialer(Duration connectTimeout) {
        this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
        if (connectTimeoutMillis <= 0) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
    }

    @Override
    public Socket dial(InetSocketAddress peer) throws IOException {
        return Bypass.run(() -> {
            Socket socket = new Socket(Proxy.NO_PROXY);
            try {
                socket.connect(peer, connectTimeoutMillis);
                return socket;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        });
    }
}

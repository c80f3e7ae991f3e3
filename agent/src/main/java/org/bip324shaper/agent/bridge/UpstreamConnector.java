package org.bip324shaper.agent.bridge;

import java.io.IOException;

/**
 * The seam where the transport toward the real peer plugs in: {@code v2.V2UpstreamConnector}, or the v1
 * passthrough. The bridge calls it once per wallet connection, from that connection's own thread, so it may block
 * (dial, handshake).
 */
@FunctionalInterface
public interface UpstreamConnector {

    /**
     * Opens the peer side of a connection.
     *
     * @param request what is known about the connection
     * @param dialer  the only way to reach the peer (it bypasses the agent's connect redirection)
     * @return the open session; throwing instead makes the bridge close the wallet's connection
     */
    UpstreamSession open(UpstreamRequest request, PeerDialer dialer) throws IOException;
}

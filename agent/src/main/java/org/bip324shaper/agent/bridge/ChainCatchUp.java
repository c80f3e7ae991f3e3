package org.bip324shaper.agent.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;

/**
 * Whether the wallet is still downloading the chain the peer already has, and so whether its download requests may
 * skip the shaper's tick. A bitcoinj sync is rounds of {@code getblocks}, a 500-block {@code inv}, {@code getdata} and
 * the blocks; a ticker that holds each round's small request for its next tick (2-2.9 s with {@code wallet}) made a
 * 3,100-block sync 31x slower. While the wallet is behind, the peer's bulk replies show the sync on the wire anyway,
 * so the requests that drive it reveal nothing more by going at once.
 *
 * <p>Heights: the peer's is the start height of its {@code version}; the wallet's is the start height of its latest
 * {@code version} (every redial sends one), plus the blocks and headers relayed to it since. The wallet is behind
 * while its height is below the peer's. Blocks found after the session began do not raise the peer's height, so a
 * wallet that is in step keeps its requests shaped (a new block's {@code getdata}, an orphan's {@code getblocks}).
 * Until both versions were seen, or if one does not parse, nothing is released early.
 *
 * <p>Thread-safe: the wallet's messages and the peer's come on different threads.
 */
final class ChainCatchUp {
    /** The requests whose answers are the download. */
    static final Set<String> DOWNLOAD_REQUESTS = Set.of("getblocks", "getheaders", "getdata");
    /** Bitcoin Core's MAX_HEADERS_RESULTS: a {@code headers} message claiming more is not counted. */
    static final int MAX_HEADERS_PER_MESSAGE = 2_000;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private long peerHeight = UNKNOWN;
    private long walletHeight = UNKNOWN;

    /** The peer's {@code version}. */
    synchronized void onPeerVersion(NetworkMessage version) {
        peerHeight = startHeight(version);
    }

    /** A wallet connection's {@code version}: a redial reports where the wallet is now. */
    synchronized void onWalletVersion(NetworkMessage version) {
        walletHeight = startHeight(version);
    }

    /** A message from the peer that was handed to the wallet. */
    void onRelayedToWallet(NetworkMessage m) {
        long blocks = switch (m.command()) {
            case "block", "merkleblock" -> 1;
            case "headers" -> headerCount(m);
            default -> 0;
        };
        if (blocks > 0) {
            synchronized (this) {
                if (walletHeight != UNKNOWN) {
                    walletHeight += blocks;
                }
            }
        }
    }

    /** How the wallet's message {@code m} goes upstream. */
    synchronized Release releaseFor(NetworkMessage m) {
        return DOWNLOAD_REQUESTS.contains(m.command()) && isBehind() ? Release.NOW : Release.SHAPED;
    }

    synchronized boolean isBehind() {
        return peerHeight != UNKNOWN && walletHeight != UNKNOWN && walletHeight < peerHeight;
    }

    private static long startHeight(NetworkMessage version) {
        try {
            return VersionMessage.parse(version.copyPayload()).startHeight();
        } catch (Bip324Exception | RuntimeException e) {
            return UNKNOWN; // the wallet and the peer judge each other's version; here it only means "not known"
        }
    }

    private static long headerCount(NetworkMessage headers) {
        ByteBuffer p = headers.payload().order(ByteOrder.LITTLE_ENDIAN);
        long count = RefreshSlots.readCompactSize(p);
        return count > 0 && count <= MAX_HEADERS_PER_MESSAGE ? count : 0;
    }
}

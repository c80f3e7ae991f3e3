package org.bip324shaper.agent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import org.bip324shaper.agent.probe.VersionMessage;
import org.bip324shaper.core.engine.Release;
import org.bip324shaper.core.message.NetworkMessage;
import org.junit.jupiter.api.Test;

/** When the wallet's download requests skip the tick: only while it is behind the peer's announced height. */
class ChainCatchUpTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 18444);
    private static final NetworkMessage GETBLOCKS = new NetworkMessage("getblocks", new byte[69]);
    private static final NetworkMessage GETHEADERS = new NetworkMessage("getheaders", new byte[69]);
    private static final NetworkMessage GETDATA = new NetworkMessage("getdata", new byte[37]);
    private static final NetworkMessage TX = new NetworkMessage("tx", new byte[225]);

    static NetworkMessage version(int startHeight) {
        VersionMessage v = new VersionMessage(VersionMessage.PROTOCOL_VERSION, 0, 1_700_000_000L, 42,
                "/bitcoinj:0.17.1/", startHeight, true);
        return new NetworkMessage("version", v.encode(PEER));
    }

    static NetworkMessage headers(int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (count < 0xfd) {
            out.write(count);
        } else {
            out.write(0xfd);
            out.write(count & 0xff);
            out.write(count >>> 8);
        }
        out.writeBytes(new byte[count * 81]);
        return new NetworkMessage("headers", out.toByteArray());
    }

    @Test
    void aWalletBehindThePeerSendsItsDownloadRequestsNowUntilItCaughtUp() {
        ChainCatchUp c = new ChainCatchUp();
        c.onPeerVersion(version(1_000));
        c.onWalletVersion(version(0));
        assertEquals(Release.NOW, c.releaseFor(GETBLOCKS));
        assertEquals(Release.NOW, c.releaseFor(GETDATA));
        assertEquals(Release.NOW, c.releaseFor(GETHEADERS));
        assertEquals(Release.SHAPED, c.releaseFor(TX), "a payment is never a download request");
        for (int i = 0; i < 999; i++) {
            c.onRelayedToWallet(new NetworkMessage(i % 2 == 0 ? "merkleblock" : "block", new byte[80]));
        }
        assertTrue(c.isBehind(), "one block short");
        assertEquals(Release.NOW, c.releaseFor(GETBLOCKS));
        c.onRelayedToWallet(new NetworkMessage("merkleblock", new byte[80]));
        assertFalse(c.isBehind());
        assertEquals(Release.SHAPED, c.releaseFor(GETBLOCKS), "in step: an orphan's getblocks waits for the tick");
        assertEquals(Release.SHAPED, c.releaseFor(GETDATA), "in step: a new block's getdata waits for the tick");
    }

    @Test
    void headersCountAsProgressAndOtherMessagesDoNot() {
        ChainCatchUp c = new ChainCatchUp();
        c.onPeerVersion(version(4_100));
        c.onWalletVersion(version(100));
        c.onRelayedToWallet(new NetworkMessage("inv", new byte[1 + 500 * 36]));
        c.onRelayedToWallet(new NetworkMessage("tx", new byte[300]));
        c.onRelayedToWallet(headers(2_000));
        assertTrue(c.isBehind());
        c.onRelayedToWallet(headers(2_000));
        assertFalse(c.isBehind());
    }

    @Test
    void aHeadersMessageClaimingMoreThanCoreSendsIsNotCounted() {
        ChainCatchUp c = new ChainCatchUp();
        c.onPeerVersion(version(3_000));
        c.onWalletVersion(version(0));
        c.onRelayedToWallet(headers(ChainCatchUp.MAX_HEADERS_PER_MESSAGE + 1));
        c.onRelayedToWallet(new NetworkMessage("headers", new byte[0]));
        c.onRelayedToWallet(new NetworkMessage("headers", new byte[] {(byte) 0xff}));
        assertTrue(c.isBehind());
    }

    @Test
    void aRedialReportsWhereTheWalletIsNow() {
        ChainCatchUp c = new ChainCatchUp();
        c.onPeerVersion(version(500));
        c.onWalletVersion(version(500));
        assertFalse(c.isBehind());
        c.onWalletVersion(version(20)); // a wallet reset to an earlier height redials
        assertTrue(c.isBehind());
    }

    @Test
    void nothingIsReleasedEarlyUntilBothHeightsAreKnownOrWhenAVersionDoesNotParse() {
        ChainCatchUp c = new ChainCatchUp();
        assertEquals(Release.SHAPED, c.releaseFor(GETBLOCKS));
        c.onPeerVersion(version(1_000));
        assertEquals(Release.SHAPED, c.releaseFor(GETBLOCKS), "the wallet's height is not known yet");
        c.onWalletVersion(new NetworkMessage("version", new byte[30]));
        assertEquals(Release.SHAPED, c.releaseFor(GETBLOCKS), "a truncated version gives no height");
        c.onRelayedToWallet(new NetworkMessage("block", new byte[80]));
        assertEquals(Release.SHAPED, c.releaseFor(GETBLOCKS), "no progress on an unknown height");
    }
}

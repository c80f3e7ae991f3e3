package org.bip324shaper.core.engine;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.bip324shaper.core.message.V2MessageCodec;

/**
 * The messages of the bitcoin version handshake, which a peer times out (bitcoinj after 5 s, Core after 60 s) and
 * which therefore must never wait for a shaping tick. None of them has a BIP-324 short ID.
 */
final class VersionHandshake {
    static final String VERACK = "verack";

    /** What peers exchange before {@code verack}: BIP-155, BIP-339 and BIP-330 announcements besides the version. */
    private static final Set<String> PARTS = Set.of("version", VERACK, "sendaddrv2", "wtxidrelay", "sendtxrcncl");

    private VersionHandshake() {
    }

    static boolean isPart(String type) {
        return type != null && PARTS.contains(type);
    }

    /** The message type of v2 contents in the 12-byte long form, or null for a short ID or malformed contents. */
    static String longType(byte[] contents, int offset, int length) {
        if (length < V2MessageCodec.LONG_TYPE_LENGTH || contents[offset] != 0) {
            return null;
        }
        int end = 1;
        while (end < V2MessageCodec.LONG_TYPE_LENGTH && contents[offset + end] != 0) {
            end++;
        }
        return new String(contents, offset + 1, end - 1, StandardCharsets.US_ASCII);
    }
}

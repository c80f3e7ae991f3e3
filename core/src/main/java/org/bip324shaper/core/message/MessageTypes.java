package org.bip324shaper.core.message;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * BIP-324's one-byte message type IDs (bip-0324.mediawiki, "v2 Bitcoin P2P message structure").
 *
 * <p>Only IDs 1..28 are mapped. The BIP also assigns 29..32 to the Erlay messages (reqrecon, sketch, reqsketchext,
 * reconcildiff), but Bitcoin Core leaves those slots blank because it does not implement Erlay; we do the same, so
 * those commands travel in the 13-byte long form and a received ID 29..32 is treated like any other unknown ID.
 */
public final class MessageTypes {
    /** Highest ID this table maps; every ID from 1 up to it is assigned. */
    public static final int MAX_KNOWN_SHORT_ID = 28;

    /** Index i holds the command of short ID i + 1, in the BIP's order. */
    private static final List<String> COMMANDS_BY_ID = List.of(
            "addr", "block", "blocktxn", "cmpctblock",
            "feefilter", "filteradd", "filterclear", "filterload",
            "getblocks", "getblocktxn", "getdata", "getheaders",
            "headers", "inv", "mempool", "merkleblock",
            "notfound", "ping", "pong", "sendcmpct",
            "tx", "getcfilters", "cfilter", "getcfheaders",
            "cfheaders", "getcfcheckpt", "cfcheckpt", "addrv2");

    private static final Map<String, Integer> IDS_BY_COMMAND = new HashMap<>();

    static {
        for (int i = 0; i < COMMANDS_BY_ID.size(); i++) {
            IDS_BY_COMMAND.put(COMMANDS_BY_ID.get(i), i + 1);
        }
    }

    private MessageTypes() {
    }

    /** The one-byte ID of {@code command}, or empty if it has none and must use the long form. */
    public static OptionalInt shortId(String command) {
        Integer id = IDS_BY_COMMAND.get(command);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The command that one-byte ID {@code shortId} stands for, or empty if the ID is not (yet) assigned here. */
    public static Optional<String> command(int shortId) {
        if (shortId < 1 || shortId > MAX_KNOWN_SHORT_ID) {
            return Optional.empty();
        }
        return Optional.of(COMMANDS_BY_ID.get(shortId - 1));
    }
}

package org.bip324shaper.core.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageTypesTest {
    /** The table of bip-0324.mediawiki ("currently defined message type IDs"), read row by row: ID 1 is ADDR. */
    private static final List<String> BIP324_TABLE = List.of(
            "addr", "block", "blocktxn",
            "cmpctblock", "feefilter", "filteradd", "filterclear",
            "filterload", "getblocks", "getblocktxn", "getdata",
            "getheaders", "headers", "inv", "mempool",
            "merkleblock", "notfound", "ping", "pong",
            "sendcmpct", "tx", "getcfilters", "cfilter",
            "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt",
            "addrv2");

    @Test
    void everyIdOfTheBipMapsBothWays() {
        assertEquals(BIP324_TABLE.size(), MessageTypes.MAX_KNOWN_SHORT_ID);
        for (int i = 0; i < BIP324_TABLE.size(); i++) {
            int id = i + 1;
            String command = BIP324_TABLE.get(i);
            assertEquals(Optional.of(command), MessageTypes.command(id), "id " + id);
            assertEquals(OptionalInt.of(id), MessageTypes.shortId(command), command);
        }
    }

    @Test
    void idsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int id = 1; id <= MessageTypes.MAX_KNOWN_SHORT_ID; id++) {
            assertTrue(seen.add(MessageTypes.command(id).orElseThrow()), "duplicate at " + id);
        }
    }

    @Test
    void idsOutsideTheTableAreUnknown() {
        for (int id : new int[] {Integer.MIN_VALUE, -1, 0, 29, 30, 31, 32, 33, 128, 255, 256, Integer.MAX_VALUE}) {
            assertEquals(Optional.empty(), MessageTypes.command(id), "id " + id);
        }
    }

    @Test
    void commandsWithoutIdAreLongForm() {
        // version/verack are sent once per connection, hence no ID; Erlay's 29..32 are deliberately unmapped as in Core.
        for (String command : List.of("version", "verack", "sendaddrv2", "wtxidrelay", "sendheaders", "getaddr",
                "reqrecon", "sketch", "reqsketchext", "reconcildiff", "PING", "ping ", "")) {
            assertEquals(OptionalInt.empty(), MessageTypes.shortId(command), command);
        }
    }
}

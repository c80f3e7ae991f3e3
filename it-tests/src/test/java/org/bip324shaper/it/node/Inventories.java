package org.bip324shaper.it.node;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.bitcoinj.base.VarInt;
import org.bitcoinj.base.internal.ByteUtils;
import org.bitcoinj.core.GetDataMessage;
import org.bitcoinj.core.InventoryItem;

/**
 * A {@code getdata} of any items. bitcoinj 0.17 deprecates building one item by item and offers no list
 * constructor, so the inventory vector is written out (count, then type and hash per item) and read back.
 */
final class Inventories {
    private Inventories() {
    }

    static GetDataMessage getData(List<InventoryItem> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(VarInt.of(items.size()).serialize());
        for (InventoryItem item : items) {
            byte[] type = new byte[4];
            ByteUtils.writeInt32LE(item.type.code, type, 0);
            out.writeBytes(type);
            out.writeBytes(item.hash.serialize());
        }
        return GetDataMessage.read(ByteBuffer.wrap(out.toByteArray()));
    }
}

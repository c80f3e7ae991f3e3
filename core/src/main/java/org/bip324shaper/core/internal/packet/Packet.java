package org.bip324shaper.core.internal.packet;

import java.util.Arrays;
import java.util.Objects;

/**
 * One decrypted BIP-324 packet. A decoy has {@code ignore} set: the receiver checks that it authenticates and drops it.
 *
 * <p>To spare a copy of up to 4 MB, the record keeps the array it is given and {@link #contents()} returns that same
 * array: {@link PacketDecoder} hands over a fresh one it keeps no reference to, so the caller owns it. Equality
 * compares contents; {@link #toString()} shows only the length, never the contents.
 */
public record Packet(boolean ignore, byte[] contents) {
    public Packet {
        Objects.requireNonNull(contents, "contents");
        if (contents.length > PacketEncoder.MAX_CONTENTS) {
            throw new IllegalArgumentException("packet contents of " + contents.length + " bytes exceed the protocol's "
                    + PacketEncoder.MAX_CONTENTS);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Packet p && p.ignore == ignore && Arrays.equals(p.contents, contents);
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(ignore) + Arrays.hashCode(contents);
    }

    @Override
    public String toString() {
        return "Packet[" + (ignore ? "decoy, " : "") + contents.length + " bytes]";
    }
}

package org.bip324shaper.core.engine;

/**
 * A position in a connection's outbound message ledger: the first {@code messages} genuine messages accepted by
 * {@link ShapedEngine#send}, {@code bytes} contents bytes in all. The difference of two positions counts what lies
 * between them, e.g. what was accepted but never reached the wire.
 *
 * @param messages genuine messages, counted from the first one sent
 * @param bytes    their contents bytes (message type + payload)
 */
public record Delivery(long messages, long bytes) {

    /** The start of the ledger: nothing sent. */
    public static final Delivery NONE = new Delivery(0, 0);

    public Delivery {
        if (messages < 0 || bytes < 0) {
            throw new IllegalArgumentException("a ledger position is never negative: " + messages + " messages, "
                    + bytes + " bytes");
        }
    }

    /** What lies between {@code earlier} and this position. */
    public Delivery minus(Delivery earlier) {
        return new Delivery(messages - earlier.messages, bytes - earlier.bytes);
    }

    /** The later of two positions of one ledger. */
    public Delivery max(Delivery other) {
        return other.messages > messages ? other : this;
    }

    public boolean isNone() {
        return messages == 0;
    }

    /** As the agent's close line prints it. */
    @Override
    public String toString() {
        return messages + " msgs/" + bytes + " bytes";
    }
}

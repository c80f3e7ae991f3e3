package org.bip324shaper.core;

/**
 * The protocol's size limits, in one place; every cap in the engine, codecs and shaping derives from these. The values
 * are Bitcoin Core's where Core defines them, so that we never send what Core would disconnect for.
 */
public final class ProtocolLimits {
    /** BIP-324: at most 4095 bytes of garbage before the garbage terminator. */
    public static final int MAX_GARBAGE_LENGTH = 4095;

    /** Bitcoin Core's {@code MAX_PROTOCOL_MESSAGE_LENGTH}: the largest message payload a Core node sends or accepts. */
    public static final int MAX_MESSAGE_PAYLOAD = 4_000_000;

    /** Bytes of a v1 command field, and the longest message type a v2 packet may spell out. */
    public static final int MAX_COMMAND_LENGTH = 12;

    /**
     * The largest packet contents a peer accepts: Core's {@code V2Transport} disconnects on a larger length (1 type byte
     * + a 12-byte long message type + the largest payload), before it can know the packet is a decoy.
     */
    public static final int MAX_PACKET_CONTENTS = 1 + MAX_COMMAND_LENGTH + MAX_MESSAGE_PAYLOAD;

    /** The largest contents the 3-byte packet length field can announce. */
    public static final int MAX_ENCODABLE_CONTENTS = (1 << 24) - 1;

    /** Bytes a packet adds to its contents on the wire: 3-byte length, 1-byte header, 16-byte Poly1305 tag. */
    public static final int PACKET_OVERHEAD = 3 + 1 + 16;

    private ProtocolLimits() {
    }
}

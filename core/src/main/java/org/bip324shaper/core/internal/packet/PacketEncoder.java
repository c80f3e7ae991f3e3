package org.bip324shaper.core.internal.packet;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.FsChaCha20;
import org.bip324shaper.core.internal.crypto.FsChaCha20Poly1305;
import org.bip324shaper.core.internal.crypto.SessionKeys;

/**
 * Encrypts outgoing BIP-324 packets:
 * {@code FSChaCha20(LE24(contents length)) || FSChaCha20Poly1305(aad, header || contents)}, where the header byte
 * carries the ignore (decoy) bit 7. A packet takes {@link #wireLength(int) contents + 20} bytes on the wire.
 *
 * <p>One instance per connection, for the sending direction; every packet advances both ciphers, so packets must go
 * on the wire in the order they were encoded. Not thread-safe.
 */
public final class PacketEncoder implements Destroyable {
    /** The largest contents the 3-byte length field can describe. */
    public static final int MAX_CONTENTS = ProtocolLimits.MAX_ENCODABLE_CONTENTS;
    public static final int LENGTH_FIELD_LENGTH = FsChaCha20.CHUNK_LENGTH;
    public static final int HEADER_LENGTH = 1;
    /** Wire bytes beyond the contents: length field, header and tag. */
    public static final int OVERHEAD = LENGTH_FIELD_LENGTH + HEADER_LENGTH + FsChaCha20Poly1305.TAG_LENGTH;
    /** The header bit that marks a decoy. */
    static final int IGNORE_BIT = 0x80;

    private final FsChaCha20 lengthCipher;
    private final FsChaCha20Poly1305 packetCipher;
    private final byte[] lengthField = new byte[LENGTH_FIELD_LENGTH];
    private boolean failed;
    private boolean destroyed;

    private PacketEncoder(byte[] lengthKey, byte[] packetKey, AeadBackend backend) {
        this.lengthCipher = new FsChaCha20(lengthKey);
        this.packetCipher = new FsChaCha20Poly1305(packetKey, backend);
    }

    /** An encoder with our send keys; the copies it takes of them are wiped here. */
    public static PacketEncoder sending(SessionKeys keys, AeadBackend backend) {
        byte[] lengthKey = keys.sendLengthKey();
        byte[] packetKey = keys.sendPacketKey();
        try {
            return new PacketEncoder(lengthKey, packetKey, backend);
        } finally {
            Arrays.fill(lengthKey, (byte) 0);
            Arrays.fill(packetKey, (byte) 0);
        }
    }

    /** An encoder with these raw keys (copied; wipe yours when done), for tests and benchmarks. */
    public static PacketEncoder withKeys(byte[] sendLengthKey, byte[] sendPacketKey, AeadBackend backend) {
        return new PacketEncoder(sendLengthKey, sendPacketKey, backend);
    }

    /** Bytes on the wire for a packet with {@code contentsLength} bytes of contents. */
    public static int wireLength(int contentsLength) {
        checkContentsLength(contentsLength);
        return contentsLength + OVERHEAD;
    }

    /**
     * Encrypts one packet into a new array.
     *
     * @param contents the contents (up to {@link #MAX_CONTENTS} bytes)
     * @param ignore   true for a decoy, which the peer authenticates and drops
     * @param aad      associated data the peer must supply to decrypt (the garbage, for the first packet); null = none
     */
    public byte[] encode(byte[] contents, boolean ignore, byte[] aad) {
        byte[] wire = new byte[wireLength(contents.length)];
        encode(ByteBuffer.wrap(contents), ignore, aad, ByteBuffer.wrap(wire));
        return wire;
    }

    /**
     * Encrypts one packet whose contents are the remaining bytes of {@code contents}, writing exactly
     * {@link #wireLength(int)} bytes to {@code dst}. {@code contents} is consumed to its limit and {@code dst}'s
     * position advances. Heap buffers are processed in place; direct buffers go through staging copies.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException if the contents are too long or {@code dst} is too small or read-only; then
     *                                  nothing is consumed and the encoder is unchanged
     */
    public int encode(ByteBuffer contents, boolean ignore, byte[] aad, ByteBuffer dst) {
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(dst, "dst");
        checkUsable();
        int length = contents.remaining();
        int wire = wireLength(length);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("destination buffer is read-only");
        }
        if (dst.remaining() < wire) {
            throw new IllegalArgumentException("destination has " + dst.remaining() + " bytes left; packet needs " + wire);
        }
        int start = dst.position();
        try {
            lengthField[0] = (byte) length;
            lengthField[1] = (byte) (length >>> 8);
            lengthField[2] = (byte) (length >>> 16);
            lengthCipher.crypt(lengthField, 0, lengthField, 0);
            dst.put(lengthField);
            packetCipher.encrypt(aad, (byte) (ignore ? IGNORE_BIT : 0), contents, dst);
        } catch (RuntimeException e) {
            failed = true; // one cipher may have advanced without the other: the stream is broken
            throw e;
        }
        return dst.position() - start;
    }

    /** Packets encoded so far. */
    public long packetCount() {
        return packetCipher.messageCount();
    }

    @Override
    public void destroy() {
        destroyed = true;
        lengthCipher.destroy();
        packetCipher.destroy();
        Arrays.fill(lengthField, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    static void checkContentsLength(int contentsLength) {
        if (contentsLength < 0 || contentsLength > MAX_CONTENTS) {
            throw new IllegalArgumentException("packet contents of " + contentsLength + " bytes; the protocol allows 0 to "
                    + MAX_CONTENTS);
        }
    }

    private void checkUsable() {
        if (destroyed) {
            throw new HandshakeStateException("packet encoder was destroyed");
        }
        if (failed) {
            throw new HandshakeStateException("packet encoder failed earlier; the connection must be closed");
        }
    }
}

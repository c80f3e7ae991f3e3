package org.bip324shaper.core.internal.packet;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.HandshakeStateException;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.FsChaCha20;
import org.bip324shaper.core.internal.crypto.FsChaCha20Poly1305;
import org.bip324shaper.core.internal.crypto.SessionKeys;

/**
 * Decrypts incoming BIP-324 packets from a byte stream delivered in pieces of any size.
 *
 * <p>{@link #decode(ByteBuffer, byte[])} takes from {@code src} only the bytes of at most one packet, keeps a partial
 * packet internally and returns {@code null} until a packet is complete. The length field is decrypted as soon as its
 * 3 bytes arrive and checked against the cap before anything is allocated; the body buffer then grows with the bytes
 * that actually arrive (starting at {@value #INITIAL_BODY_BUFFER} bytes), so a peer that announces 4 MB and sends
 * 10 bytes costs 64 KiB, not 4 MB. The body buffer is kept for the next packets.
 *
 * <p>Any exception ends the decoder: later calls throw {@link HandshakeStateException}, and the connection must be
 * closed. One instance per connection, for the receiving direction. Not thread-safe.
 */
public final class PacketDecoder implements Destroyable {
    /** The largest contents Bitcoin Core accepts: a 1 + 12 byte message type and a 4,000,000 byte payload. */
    public static final int DEFAULT_MAX_CONTENTS = ProtocolLimits.MAX_PACKET_CONTENTS;
    static final int INITIAL_BODY_BUFFER = 64 * 1024;

    private static final byte[] EMPTY = new byte[0];
    private static final int BODY_OVERHEAD = PacketEncoder.HEADER_LENGTH + FsChaCha20Poly1305.TAG_LENGTH;

    private final FsChaCha20 lengthCipher;
    private final FsChaCha20Poly1305 packetCipher;
    private final int maxContents;

    private final byte[] lengthField = new byte[PacketEncoder.LENGTH_FIELD_LENGTH];
    private int lengthFilled;
    /** Header + contents + tag of the current packet, or -1 while its length field is incomplete. */
    private int bodyLength = -1;
    private byte[] body = EMPTY;
    private int bodyFilled;
    private boolean failed;
    private boolean destroyed;

    private PacketDecoder(byte[] lengthKey, byte[] packetKey, int maxContentsLength, AeadBackend backend) {
        this.maxContents = checkMax(maxContentsLength);
        this.lengthCipher = new FsChaCha20(lengthKey);
        this.packetCipher = new FsChaCha20Poly1305(packetKey, backend);
    }

    /** A decoder with our receive keys, refusing contents over {@code maxContentsLength}; its key copies are wiped. */
    public static PacketDecoder receiving(SessionKeys keys, int maxContentsLength, AeadBackend backend) {
        byte[] lengthKey = keys.recvLengthKey();
        byte[] packetKey = keys.recvPacketKey();
        try {
            return new PacketDecoder(lengthKey, packetKey, maxContentsLength, backend);
        } finally {
            Arrays.fill(lengthKey, (byte) 0);
            Arrays.fill(packetKey, (byte) 0);
        }
    }

    /** A decoder with these raw keys (copied; wipe yours when done), for tests and benchmarks. */
    public static PacketDecoder withKeys(byte[] recvLengthKey, byte[] recvPacketKey, int maxContentsLength,
                                         AeadBackend backend) {
        return new PacketDecoder(recvLengthKey, recvPacketKey, maxContentsLength, backend);
    }

    /** {@link #decode(ByteBuffer, byte[])} without associated data. */
    public Packet decode(ByteBuffer src) throws Bip324Exception {
        return decode(src, EMPTY);
    }

    /**
     * Consumes bytes of at most one packet from {@code src} and returns that packet once it is complete.
     *
     * @param aad associated data of the packet this call completes (null = none). BIP-324 uses it for the first
     *            packet only (the peer's garbage); pass it on every call until that packet is returned.
     * @return the packet, or {@code null} when {@code src} ran out first (everything in it was consumed)
     * @throws OversizeException       if the announced contents length exceeds the cap
     * @throws AuthenticationException if the packet does not authenticate (tampered, truncated, wrong keys or aad)
     * @throws HandshakeStateException if an earlier call threw, or after {@link #destroy()}
     */
    public Packet decode(ByteBuffer src, byte[] aad) throws Bip324Exception {
        Objects.requireNonNull(src, "src");
        checkUsable();
        try {
            if (bodyLength < 0 && !readLength(src)) {
                return null;
            }
            int plainLength;
            if (bodyFilled == 0 && src.hasArray() && src.remaining() >= bodyLength) {
                // The whole body is already here: decrypt straight out of the caller's array.
                ensureCapacity(bodyLength);
                int at = src.arrayOffset() + src.position();
                src.position(src.position() + bodyLength);
                plainLength = packetCipher.decrypt(aad, src.array(), at, bodyLength, body, 0);
            } else {
                int n = Math.min(bodyLength - bodyFilled, src.remaining());
                ensureCapacity(bodyFilled + n);
                src.get(body, bodyFilled, n);
                bodyFilled += n;
                if (bodyFilled < bodyLength) {
                    return null;
                }
                plainLength = packetCipher.decrypt(aad, body, 0, bodyLength, body, 0);
            }
            boolean ignore = (body[0] & PacketEncoder.IGNORE_BIT) != 0;
            Packet packet = new Packet(ignore, Arrays.copyOfRange(body, PacketEncoder.HEADER_LENGTH, plainLength));
            bodyLength = -1;
            bodyFilled = 0;
            return packet;
        } catch (Bip324Exception | RuntimeException e) {
            failed = true;
            Arrays.fill(body, (byte) 0);
            throw e;
        }
    }

    /** The largest contents length this decoder accepts. */
    public int maxContentsLength() {
        return maxContents;
    }

    /** Packets decoded so far. */
    public long packetCount() {
        return packetCipher.messageCount();
    }

    /** Bytes of an incomplete packet held internally: nonzero means the stream stopped mid-packet. */
    public int bufferedBytes() {
        return bodyLength < 0 ? lengthFilled : PacketEncoder.LENGTH_FIELD_LENGTH + bodyFilled;
    }

    /** Size of the internal body buffer, for tests of the allocation policy. */
    int bodyBufferCapacity() {
        return body.length;
    }

    @Override
    public void destroy() {
        destroyed = true;
        lengthCipher.destroy();
        packetCipher.destroy();
        Arrays.fill(lengthField, (byte) 0);
        Arrays.fill(body, (byte) 0);
        body = EMPTY;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Collects and decrypts the length field; true once the body length is known and within the cap. */
    private boolean readLength(ByteBuffer src) throws OversizeException {
        int n = Math.min(lengthField.length - lengthFilled, src.remaining());
        src.get(lengthField, lengthFilled, n);
        lengthFilled += n;
        if (lengthFilled < lengthField.length) {
            return false;
        }
        lengthCipher.crypt(lengthField, 0, lengthField, 0);
        int contentsLength = (lengthField[0] & 0xff) | (lengthField[1] & 0xff) << 8 | (lengthField[2] & 0xff) << 16;
        Arrays.fill(lengthField, (byte) 0);
        lengthFilled = 0;
        if (contentsLength > maxContents) {
            throw new OversizeException("packet contents", contentsLength, maxContents);
        }
        bodyLength = contentsLength + BODY_OVERHEAD;
        bodyFilled = 0;
        return true;
    }

    /** Grows the body buffer to hold {@code needed} bytes: at least doubling, at most to the packet's body length. */
    private void ensureCapacity(int needed) {
        if (needed <= body.length) {
            return;
        }
        int grown = Math.max(needed, Math.max(INITIAL_BODY_BUFFER, 2 * body.length));
        byte[] bigger = new byte[Math.min(grown, bodyLength)];
        System.arraycopy(body, 0, bigger, 0, bodyFilled);
        Arrays.fill(body, (byte) 0);
        body = bigger;
    }

    private static int checkMax(int maxContentsLength) {
        if (maxContentsLength < 0 || maxContentsLength > PacketEncoder.MAX_CONTENTS) {
            throw new IllegalArgumentException("maxContentsLength must be 0 to " + PacketEncoder.MAX_CONTENTS + ", got "
                    + maxContentsLength);
        }
        return maxContentsLength;
    }

    private void checkUsable() {
        if (destroyed) {
            throw new HandshakeStateException("packet decoder was destroyed");
        }
        if (failed) {
            throw new HandshakeStateException("packet decoder failed earlier; the connection must be closed");
        }
    }
}

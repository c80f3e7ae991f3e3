package org.bip324shaper.core.message;

import static org.bip324shaper.core.message.V1FrameEncoder.CHECKSUM_OFFSET;
import static org.bip324shaper.core.message.V1FrameEncoder.COMMAND_OFFSET;
import static org.bip324shaper.core.message.V1FrameEncoder.HEADER_LENGTH;
import static org.bip324shaper.core.message.V1FrameEncoder.LENGTH_OFFSET;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.ProtocolLimits;
import org.bip324shaper.core.WrongNetworkException;

/**
 * Incremental parser of a v1 message stream (the layout {@link V1FrameEncoder} writes), for input that arrives in
 * arbitrary pieces. Each header field is checked as soon as its last byte arrives, so a stream of the wrong network
 * or an oversize announcement fails before the rest is waited for, and no payload memory is reserved beyond the cap.
 *
 * <p>After a {@link Bip324Exception} the decoder is dead and every further call throws {@link IllegalStateException}:
 * the stream has lost its framing and the connection must be closed. Not thread-safe.
 */
public final class V1FrameDecoder {
    /** Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH: the largest payload a Core node sends or accepts. */
    public static final int DEFAULT_MAX_PAYLOAD = ProtocolLimits.MAX_MESSAGE_PAYLOAD;

    /** Payload memory is grown up to the announced length as bytes arrive, starting here, so a lie costs little. */
    private static final int INITIAL_PAYLOAD_CAPACITY = 64 * 1024;

    private final Network expected;
    private final byte[] expectedMagic;
    private final int maxPayload;
    private final FrameChecksum checksum = new FrameChecksum();

    private final byte[] header = new byte[HEADER_LENGTH];
    private int headerFilled;
    private String command;
    private int payloadLength;
    /** The whole frame once its length is known: the header, then the payload as far as it arrived. */
    private byte[] frame;
    private int payloadFilled;
    private boolean failed;

    /** A decoder for {@code expected}'s stream with the default payload cap {@link #DEFAULT_MAX_PAYLOAD}. */
    public V1FrameDecoder(Network expected) {
        this(expected, DEFAULT_MAX_PAYLOAD);
    }

    /** @param maxPayload the largest payload length accepted; a larger announcement fails before any allocation */
    public V1FrameDecoder(Network expected, int maxPayload) {
        this.expected = Objects.requireNonNull(expected, "expected");
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload must not be negative, got " + maxPayload);
        }
        this.expectedMagic = expected.magicBytes();
        this.maxPayload = maxPayload;
    }

    public Network network() {
        return expected;
    }

    public int maxPayload() {
        return maxPayload;
    }

    /**
     * Consumes bytes from {@code src} (advancing its position) up to the end of the current message and no further.
     *
     * @return the message completed by these bytes, or {@code null} if {@code src} ran out first; the bytes taken are
     *     kept until the message is complete
     * @throws WrongNetworkException if the magic belongs to another known network
     * @throws MalformedMessageException if the magic is unknown, the command field is invalid or the checksum is wrong
     * @throws OversizeException if the announced payload length exceeds {@link #maxPayload()}
     * @throws IllegalStateException if an earlier call threw
     */
    public NetworkMessage decode(ByteBuffer src) throws Bip324Exception {
        Objects.requireNonNull(src, "src");
        checkAlive();
        try {
            return decodeStep(src);
        } catch (Bip324Exception e) {
            failed = true;
            throw e;
        }
    }

    /**
     * The bytes taken from the input that belong to the message in progress, in arrival order (empty between
     * messages). With what is still unread in the caller's buffer they are exactly the stream not yet decoded, e.g. to
     * replay it to a peer over another transport.
     *
     * @throws IllegalStateException if an earlier call threw
     */
    public byte[] pendingBytes() {
        checkAlive();
        if (headerFilled == HEADER_LENGTH) {
            return Arrays.copyOf(frame, HEADER_LENGTH + payloadFilled);
        }
        return Arrays.copyOf(header, headerFilled);
    }

    /** Size of the payload buffer of the message in progress, for tests of the allocation policy. */
    int payloadBufferCapacity() {
        return frame == null ? 0 : frame.length - HEADER_LENGTH;
    }

    private void checkAlive() {
        if (failed) {
            throw new IllegalStateException("v1 decoder failed earlier; the stream cannot be resynchronised");
        }
    }

    private NetworkMessage decodeStep(ByteBuffer src) throws Bip324Exception {
        while (headerFilled < HEADER_LENGTH) {
            if (!src.hasRemaining()) {
                return null;
            }
            int fieldEnd = endOfFieldAt(headerFilled);
            int n = Math.min(src.remaining(), fieldEnd - headerFilled);
            src.get(header, headerFilled, n);
            headerFilled += n;
            if (headerFilled == fieldEnd) {
                onFieldComplete(fieldEnd);
            }
        }
        while (payloadFilled < payloadLength) {
            if (!src.hasRemaining()) {
                return null;
            }
            if (HEADER_LENGTH + payloadFilled == frame.length) {
                frame = Arrays.copyOf(frame, (int) Math.min(HEADER_LENGTH + payloadLength, 2L * frame.length));
            }
            int n = Math.min(src.remaining(), frame.length - HEADER_LENGTH - payloadFilled);
            src.get(frame, HEADER_LENGTH + payloadFilled, n);
            payloadFilled += n;
        }
        int sum = checksum.of(frame, HEADER_LENGTH, payloadLength);
        if (sum != FrameChecksum.read(header, CHECKSUM_OFFSET)) {
            throw new MalformedMessageException("v1 checksum mismatch in a '" + command + "' message of "
                    + payloadLength + " bytes");
        }
        // The message keeps the frame: its header room is what lets a v2 writer send the payload uncopied.
        NetworkMessage message = new NetworkMessage(command, frame, HEADER_LENGTH, payloadLength, true, sum);
        headerFilled = 0;
        command = null;
        payloadLength = 0;
        frame = null;
        payloadFilled = 0;
        return message;
    }

    /** Header fields end at 4 (magic), 16 (command), 20 (length) and 24 (checksum). */
    private static int endOfFieldAt(int offset) {
        if (offset < COMMAND_OFFSET) {
            return COMMAND_OFFSET;
        }
        if (offset < LENGTH_OFFSET) {
            return LENGTH_OFFSET;
        }
        if (offset < CHECKSUM_OFFSET) {
            return CHECKSUM_OFFSET;
        }
        return HEADER_LENGTH;
    }

    private void onFieldComplete(int fieldEnd) throws Bip324Exception {
        switch (fieldEnd) {
            case COMMAND_OFFSET:
                checkMagic();
                break;
            case LENGTH_OFFSET:
                command = CommandField.read(header, COMMAND_OFFSET, "v1 header");
                break;
            case CHECKSUM_OFFSET:
                long announced = (header[LENGTH_OFFSET] & 0xffL) | (header[LENGTH_OFFSET + 1] & 0xffL) << 8
                        | (header[LENGTH_OFFSET + 2] & 0xffL) << 16 | (header[LENGTH_OFFSET + 3] & 0xffL) << 24;
                if (announced > maxPayload) {
                    throw new OversizeException("v1 '" + command + "' payload", announced, maxPayload);
                }
                payloadLength = (int) announced;
                frame = new byte[HEADER_LENGTH + Math.min(payloadLength, INITIAL_PAYLOAD_CAPACITY)];
                break;
            default:
                // the checksum is verified once the payload is complete
                System.arraycopy(header, 0, frame, 0, HEADER_LENGTH);
                break;
        }
    }

    private void checkMagic() throws Bip324Exception {
        if (Arrays.equals(header, 0, 4, expectedMagic, 0, 4)) {
            return;
        }
        Optional<Network> other = Network.fromMagic(header, 0);
        if (other.isPresent()) {
            throw new WrongNetworkException(expected, other.get());
        }
        throw new MalformedMessageException("v1 header does not start with a known network magic");
    }
}

package org.bip324shaper.agent.probe;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.MalformedMessageException;
import org.bip324shaper.core.OversizeException;

/**
 * The payload of a bitcoin {@code version} message, as far as a probe needs it: what we announce, and what a peer
 * tells about itself. Network addresses are written (the receiver's, and an empty one for us) but not kept.
 *
 * @param protocolVersion e.g. {@value #PROTOCOL_VERSION}
 * @param services        service bits
 * @param timestamp       UNIX seconds
 * @param nonce           random, to detect connections to oneself
 * @param userAgent       BIP-14 user agent, at most {@value #MAX_USER_AGENT_BYTES} bytes
 * @param startHeight     the sender's best block height
 * @param relay           whether the sender wants transaction announcements (BIP-37)
 */
public record VersionMessage(int protocolVersion, long services, long timestamp, long nonce, String userAgent,
                             int startHeight, boolean relay) {

    /** Bitcoin Core's current protocol version (wtxidrelay, sendaddrv2). */
    public static final int PROTOCOL_VERSION = 70016;
    /** The user agent the probe announces. */
    public static final String OUR_USER_AGENT = "/bip324-shaper:0.1/";
    /** Bitcoin Core's MAX_SUBVERSION_LENGTH: a longer user agent is refused, never allocated. */
    public static final int MAX_USER_AGENT_BYTES = 256;

    /** version, services, timestamp, two network addresses, nonce. */
    private static final int FIXED_PREFIX = 4 + 8 + 8 + 26 + 26 + 8;
    private static final int NETWORK_ADDRESS = 26;

    public VersionMessage {
        Objects.requireNonNull(userAgent, "userAgent");
        if (userAgent.getBytes(StandardCharsets.UTF_8).length > MAX_USER_AGENT_BYTES) {
            throw new IllegalArgumentException("user agent longer than " + MAX_USER_AGENT_BYTES + " bytes");
        }
    }

    /** What the probe sends: no services, start height 0, no transaction relay. */
    public static VersionMessage probe(long nonce, long timestamp) {
        return new VersionMessage(PROTOCOL_VERSION, 0, timestamp, nonce, OUR_USER_AGENT, 0, false);
    }

    /**
     * The wire payload.
     *
     * @param receiver the peer's address, for the {@code addr_recv} field
     */
    public byte[] encode(InetSocketAddress receiver) {
        byte[] agent = userAgent.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(FIXED_PREFIX + 3 + agent.length + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(protocolVersion).putLong(services).putLong(timestamp);
        putAddress(out, receiver);
        putAddress(out, null); // our own address: not announced
        out.putLong(nonce);
        putCompactSize(out, agent.length);
        out.put(agent).putInt(startHeight).put((byte) (relay ? 1 : 0));
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    /**
     * Reads a peer's version payload. The relay flag may be missing (then true, as BIP-37 says).
     *
     * @throws MalformedMessageException if the payload is truncated (a user agent that is not UTF-8 is kept with
     *     one {@code '?'} per malformed sequence, so it never grows past {@value #MAX_USER_AGENT_BYTES} bytes)
     * @throws OversizeException if the user agent is announced longer than {@value #MAX_USER_AGENT_BYTES} bytes
     */
    public static VersionMessage parse(byte[] payload) throws Bip324Exception {
        ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        require(in, FIXED_PREFIX + 1, "fixed fields");
        int version = in.getInt();
        long services = in.getLong();
        long timestamp = in.getLong();
        in.position(in.position() + 2 * NETWORK_ADDRESS);
        long nonce = in.getLong();
        long agentLength = getCompactSize(in);
        if (agentLength > MAX_USER_AGENT_BYTES) {
            throw new OversizeException("version user agent", agentLength, MAX_USER_AGENT_BYTES);
        }
        require(in, (int) agentLength + 4, "user agent and start height");
        byte[] agent = new byte[(int) agentLength];
        in.get(agent);
        int startHeight = in.getInt();
        boolean relay = !in.hasRemaining() || in.get() != 0;
        String userAgent = decodeUserAgent(agent);
        return new VersionMessage(version, services, timestamp, nonce, userAgent, startHeight, relay);
    }

    /** U+FFFD takes 3 bytes in UTF-8: 256 bad bytes would become a user agent the constructor refuses. */
    private static String decodeUserAgent(byte[] agent) throws MalformedMessageException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith("?")
                    .decode(ByteBuffer.wrap(agent)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("version user agent cannot be decoded");
        }
    }

    /** An address as the version message carries it: services, IPv6 (IPv4-mapped) address, big-endian port. */
    private static void putAddress(ByteBuffer out, InetSocketAddress address) {
        out.putLong(0); // services of that address: unknown
        byte[] ip = new byte[16];
        int port = 0;
        if (address != null && address.getAddress() != null) {
            InetAddress host = address.getAddress();
            if (host instanceof Inet4Address) {
                ip[10] = (byte) 0xff;
                ip[11] = (byte) 0xff;
                System.arraycopy(host.getAddress(), 0, ip, 12, 4);
            } else {
                ip = host.getAddress();
            }
            port = address.getPort();
        }
        out.put(ip).put((byte) (port >>> 8)).put((byte) port);
    }

    private static void putCompactSize(ByteBuffer out, int n) {
        if (n < 0xfd) {
            out.put((byte) n);
        } else {
            out.put((byte) 0xfd).putShort((short) n);
        }
    }

    private static long getCompactSize(ByteBuffer in) throws MalformedMessageException {
        int first = in.get() & 0xff;
        switch (first) {
            case 0xfd:
                require(in, 2, "user agent length");
                return in.getShort() & 0xffff;
            case 0xfe:
                require(in, 4, "user agent length");
                return in.getInt() & 0xffffffffL;
            case 0xff:
                require(in, 8, "user agent length");
                long n = in.getLong();
                return n < 0 ? Long.MAX_VALUE : n;
            default:
                return first;
        }
    }

    private static void require(ByteBuffer in, int bytes, String what) throws MalformedMessageException {
        if (in.remaining() < bytes) {
            throw new MalformedMessageException("version message truncated in its " + what);
        }
    }

    /** For printing a peer's user agent: printable ASCII kept, anything else as {@code \\uXXXX}. */
    public String printableUserAgent() {
        StringBuilder out = new StringBuilder(userAgent.length());
        for (int i = 0; i < userAgent.length(); i++) {
            char c = userAgent.charAt(i);
            if (c >= 0x20 && c <= 0x7e && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}

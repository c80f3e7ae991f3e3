package org.bip324shaper.agent.proxy;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The server side of a SOCKS5 negotiation (RFC 1928), CONNECT without authentication only: reads the client's
 * greeting and request, answers refusals itself, and returns the destination. Every length is one byte on the
 * wire, so nothing here can allocate more than 255 bytes.
 */
final class Socks5Request {

    static final int VERSION = 5;
    static final int NO_AUTHENTICATION = 0x00;
    static final int NO_ACCEPTABLE_METHOD = 0xFF;
    static final int CONNECT = 0x01;
    static final int ATYP_IPV4 = 0x01;
    static final int ATYP_DOMAIN = 0x03;
    static final int ATYP_IPV6 = 0x04;

    /** RFC 1928 reply codes. */
    static final int SUCCEEDED = 0x00;
    static final int GENERAL_FAILURE = 0x01;
    static final int HOST_UNREACHABLE = 0x04;
    static final int COMMAND_NOT_SUPPORTED = 0x07;
    static final int ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    /** A request the negotiation refused; the refusal was already sent to the client. */
    static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * What the client asked for.
     *
     * @param host a host name or an IP literal, as the client sent it (Bitcoin Core sends IPs as names too)
     */
    record Destination(String host, int port, boolean literal) {
        Destination {
            Objects.requireNonNull(host, "host");
        }
    }

    private Socks5Request() {
    }

    /**
     * Negotiates up to the CONNECT request. Does not send the final reply: the caller does, with
     * {@link #reply(OutputStream, int)}, once it knows whether it can serve the destination.
     *
     * @throws RefusedException the client asked for something unsupported (already answered)
     * @throws IOException      not SOCKS5, or the client went away
     */
    static Destination negotiate(InputStream rawIn, OutputStream out) throws IOException {
        DataInputStream in = new DataInputStream(rawIn);
        int version = readByte(in);
        if (version != VERSION) {
            throw new IOException("not a SOCKS5 client (version byte " + version + ")");
        }
        int methods = readByte(in);
        boolean noAuthOffered = false;
        for (int i = 0; i < methods; i++) {
            noAuthOffered |= readByte(in) == NO_AUTHENTICATION;
        }
        if (!noAuthOffered) {
            out.write(new byte[] {VERSION, (byte) NO_ACCEPTABLE_METHOD});
            out.flush();
            throw new RefusedException("the client offers no method without authentication");
        }
        out.write(new byte[] {VERSION, NO_AUTHENTICATION});
        out.flush();

        if (readByte(in) != VERSION) {
            throw new IOException("bad SOCKS5 request version");
        }
        int command = readByte(in);
        readByte(in); // reserved
        int addressType = readByte(in);
        String host;
        boolean literal;
        switch (addressType) {
            case ATYP_IPV4: {
                byte[] address = new byte[4];
                in.readFully(address);
                host = InetAddress.getByAddress(address).getHostAddress();
                literal = true;
                break;
            }
            case ATYP_IPV6: {
                byte[] address = new byte[16];
                in.readFully(address);
                host = InetAddress.getByAddress(address).getHostAddress();
                literal = true;
                break;
            }
            case ATYP_DOMAIN: {
                byte[] name = new byte[readByte(in)];
                in.readFully(name);
                host = new String(name, StandardCharsets.US_ASCII);
                literal = isIpLiteral(host);
                break;
            }
            default:
                reply(out, ADDRESS_TYPE_NOT_SUPPORTED);
                throw new RefusedException("address type " + addressType + " is not supported");
        }
        int port = in.readUnsignedShort();
        if (command != CONNECT) {
            reply(out, COMMAND_NOT_SUPPORTED);
            throw new RefusedException("command " + command + " is not supported (CONNECT only)");
        }
        if (host.isEmpty() || port == 0) {
            reply(out, HOST_UNREACHABLE);
            throw new RefusedException("empty host or port 0");
        }
        return new Destination(host, port, literal);
    }

    /** The final reply; the bound address is not meaningful here and is sent as 0.0.0.0:0. */
    static void reply(OutputStream out, int code) throws IOException {
        out.write(new byte[] {VERSION, (byte) code, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0});
        out.flush();
    }

    /** An IPv4 dotted quad or anything with a ':' (IPv6): {@code InetAddress.getByName} parses those without DNS. */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return false;
                }
            }
            return true;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static int readByte(DataInputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the client closed during the SOCKS5 negotiation");
        }
        return b;
    }
}

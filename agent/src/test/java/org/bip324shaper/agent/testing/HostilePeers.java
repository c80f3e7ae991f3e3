package org.bip324shaper.agent.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.driver.ShapedProtocol;

/**
 * Peers that misbehave in one specific way each, as {@link LoopbackServer} handlers: the causes a handshake error
 * message must tell apart. Each reads what we send (so our writes never fail first) until we close.
 */
public final class HostilePeers {

    private HostilePeers() {
    }

    /** Reads and discards until the other side closes. */
    public static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    /** Sends {@code prefix}, then nothing, reading until we close. */
    public static LoopbackServer.Handler sendsThenStalls(byte[] prefix) {
        return socket -> {
            socket.getOutputStream().write(prefix);
            socket.getOutputStream().flush();
            drain(socket.getInputStream());
        };
    }

    /** A v1 node that speaks first: answers our key with its v1 version message. */
    public static LoopbackServer.Handler v1VersionFirst(Network network) {
        return socket -> {
            socket.getInputStream().readNBytes(64);
            socket.getOutputStream().write(V1Frames.frame(network, "version", new byte[102]));
            socket.getOutputStream().flush();
            drain(socket.getInputStream());
        };
    }

    /** Sends back whatever it receives. */
    public static LoopbackServer.Handler echo() {
        return socket -> socket.getInputStream().transferTo(socket.getOutputStream());
    }

    /** A genuine BIP-324 responder of {@code network} whose bytes after the first {@code fastBytes} trickle. */
    public static LoopbackServer.Handler tricklingResponder(Network network, long fastBytes, Duration perByte) {
        return socket -> {
            TrickleOutput out = new TrickleOutput(socket.getOutputStream(), fastBytes, perByte);
            try (ShapedProtocol ignored = ShapedProtocol.over(socket.getInputStream(), out,
                    ShapedProtocol.options(Role.RESPONDER, network))) {
                drain(socket.getInputStream());
            }
        };
    }

    /** A genuine responder that completes the handshake, reads our first message, then runs {@code after}. */
    public interface AfterHandshake {
        void run(Socket socket, ShapedProtocol protocol, TrickleOutput out) throws Exception;
    }

    public static LoopbackServer.Handler responderThen(Network network, AfterHandshake after) {
        return socket -> {
            TrickleOutput out = new TrickleOutput(socket.getOutputStream(), Long.MAX_VALUE, Duration.ofMillis(20));
            try (ShapedProtocol protocol = ShapedProtocol.over(socket.getInputStream(), out,
                    ShapedProtocol.options(Role.RESPONDER, network))) {
                protocol.readContents();
                after.run(socket, protocol, out);
                drain(socket.getInputStream());
            }
        };
    }

    /** After the handshake: random bytes that are no packet of the session. */
    public static LoopbackServer.Handler garbageAfterVersion(Network network) {
        return responderThen(network, (socket, protocol, out) -> {
            socket.getOutputStream().write(new SecureRandom().generateSeed(200));
            socket.getOutputStream().flush();
        });
    }

    /** After the handshake: a message of the largest contents the decoder accepts, trickled. */
    public static LoopbackServer.Handler maximalLengthTrickled(Network network) {
        return responderThen(network, (socket, protocol, out) -> {
            out.trickleFromNow();
            protocol.writeContents(maximalContents());
        });
    }

    private static byte[] maximalContents() {
        byte[] contents = new byte[PacketDecoder.DEFAULT_MAX_CONTENTS];
        contents[0] = 0;
        byte[] command = "version".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(command, 0, contents, 1, command.length);
        return contents;
    }

    /**
     * Passes the first {@code fastBytes} through whole, then writes one byte at a time with a pause after each: a
     * peer that trickles. Stops at the first failed write (we closed).
     */
    public static final class TrickleOutput extends FilterOutputStream {
        private final long perByteMillis;
        private volatile long fastLeft;

        TrickleOutput(OutputStream out, long fastBytes, Duration perByte) {
            super(out);
            this.fastLeft = fastBytes;
            this.perByteMillis = perByte.toMillis();
        }

        public void trickleFromNow() {
            fastLeft = 0;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int fast = (int) Math.min(len, fastLeft);
            if (fast > 0) {
                out.write(b, off, fast);
                out.flush();
                fastLeft -= fast;
            }
            for (int i = fast; i < len; i++) {
                out.write(b[off + i]);
                out.flush();
                try {
                    Thread.sleep(perByteMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }
}

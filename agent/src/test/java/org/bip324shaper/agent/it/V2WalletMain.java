package org.bip324shaper.agent.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The "wallet" of the v2 end-to-end test, run in a child JVM with the agent: speaks plain v1 over a blocking
 * {@link SocketChannel}, as bitcoinj does, and knows nothing of BIP-324. Version handshake, then a ping that must
 * come back as a pong with the same nonce; prints
 * {@code WALLET remote=HOST:PORT ua=USER_AGENT height=N pong=ok|MISMATCH}. Frames are built here by hand, with
 * no project code.
 *
 * <p>Args: {@code nodePort}.
 */
public final class V2WalletMain {

    private static final byte[] REGTEST_MAGIC = {(byte) 0xfa, (byte) 0xbf, (byte) 0xb5, (byte) 0xda};

    private V2WalletMain() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress node = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        try (SocketChannel channel = SocketChannel.open(node)) {
            write(channel, "version", versionPayload());
            byte[] theirVersion = null;
            boolean verack = false;
            while (theirVersion == null || !verack) {
                byte[][] message = read(channel);
                String command = new String(message[0], StandardCharsets.US_ASCII);
                if (command.equals("version")) {
                    theirVersion = message[1];
                } else if (command.equals("verack")) {
                    verack = true;
                }
            }
            write(channel, "verack", new byte[0]);
            byte[] nonce = new byte[8];
            new SecureRandom().nextBytes(nonce);
            write(channel, "ping", nonce);
            byte[][] message;
            do {
                message = read(channel);
            } while (!new String(message[0], StandardCharsets.US_ASCII).equals("pong"));
            int agentLength = theirVersion[80];
            String agent = new String(theirVersion, 81, agentLength, StandardCharsets.US_ASCII);
            int height = ByteBuffer.wrap(theirVersion, 81 + agentLength, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            // end as the echo cases do: our end of stream, then the bridge's. The bridge logs its close line
            // before it closes our socket, so the line is out before this JVM exits (daemon threads die with it)
            channel.shutdownOutput();
            while (channel.read(ByteBuffer.allocate(4096)) >= 0) {
                // whatever the node still had in flight
            }
            InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
            System.out.println("WALLET remote=" + remote.getAddress().getHostAddress() + ":" + remote.getPort()
                    + " ua=" + agent + " height=" + height + " pong="
                    + (Arrays.equals(nonce, message[1]) ? "ok" : "MISMATCH"));
        }
    }

    private static byte[] versionPayload() {
        byte[] agent = "/v2-wallet-main/".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(86 + agent.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(70016).putLong(0).putLong(System.currentTimeMillis() / 1000);
        out.put(new byte[52]); // two empty network addresses
        out.putLong(new SecureRandom().nextLong());
        out.put((byte) agent.length).put(agent).putInt(0).put((byte) 0);
        return out.array();
    }

    private static void write(SocketChannel channel, String command, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(24 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.put(REGTEST_MAGIC).put(Arrays.copyOf(command.getBytes(StandardCharsets.US_ASCII), 12))
                .putInt(payload.length).put(sha256d(payload), 0, 4).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /** {command, payload} of the next frame; checks magic and checksum. */
    private static byte[][] read(SocketChannel channel) throws IOException {
        ByteBuffer header = readFully(channel, 24).order(ByteOrder.LITTLE_ENDIAN);
        if (!Arrays.equals(Arrays.copyOf(header.array(), 4), REGTEST_MAGIC)) {
            throw new IOException("bad magic");
        }
        int length = header.getInt(16);
        if (length < 0 || length > 4_000_000) {
            throw new IOException("bad length " + length);
        }
        byte[] payload = readFully(channel, length).array();
        if (!Arrays.equals(Arrays.copyOfRange(header.array(), 20, 24), Arrays.copyOf(sha256d(payload), 4))) {
            throw new IOException("bad checksum");
        }
        int end = 4;
        while (end < 16 && header.get(end) != 0) {
            end++;
        }
        return new byte[][] {Arrays.copyOfRange(header.array(), 4, end), payload};
    }

    private static ByteBuffer readFully(SocketChannel channel, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the connection ended");
            }
        }
        return buffer;
    }

    private static byte[] sha256d(byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return sha.digest(sha.digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

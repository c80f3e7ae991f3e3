package org.bip324shaper.agent.v2;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.bip324shaper.core.AuthenticationException;
import org.bip324shaper.core.GarbageTerminatorNotFoundException;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.OversizeException;
import org.bip324shaper.core.internal.handshake.Handshake;

/**
 * Turns a failed v2 handshake into a {@link V2HandshakeException} that names the step, what arrived (byte counts
 * only) and the most likely cause, from what an observer of the socket knows: the bytes the peer sent (their
 * count, and the first 64 to recognise a v1 message or an echo of ours), when they last arrived, and how it ended.
 *
 * <p>The likely causes, told apart: a v1-only node (nothing at all arrives: the caller's v1 fallback, not an error
 * here); a v1 node that talks first (a v1 {@code version} header instead of a key); an echo server (our own bytes
 * come back); a partial key; a key and then silence (no BIP-324 node waits there); a node of another network (key,
 * garbage, terminator and version packet arrive, but the terminator derives from the network, so we never find it:
 * then silence, or the terminator search overflows); a peer trickling its handshake past the deadline; a version
 * packet that fails authentication or announces an oversize length.
 */
public final class HandshakeDiagnosis {

    static final int KEY_LENGTH = 64;
    /** The least a BIP-324 responder sends after its key: the terminator and an empty version packet. */
    static final int MIN_AFTER_KEY = 16 + 20;
    private static final byte[] V1_VERSION_COMMAND = "version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);

    private HandshakeDiagnosis() {
    }

    /** Whether bytes were still arriving when the deadline passed, rather than the peer having gone quiet. */
    static boolean stillArriving(long silentNanos, Duration budget) {
        return silentNanos < Math.min(Duration.ofMillis(250).toNanos(), budget.toNanos() / 4);
    }

    /**
     * @param failure     what ended the handshake
     * @param network     the network we shook hands for
     * @param received    bytes the peer sent
     * @param head        the first of them (up to 64)
     * @param sent        bytes we sent (handed to the socket)
     * @param sentWrites  in how many writes
     * @param silentNanos how long before the failure the last byte arrived
     * @param budget      the handshake's per-step time budget
     */
    public static V2HandshakeException diagnose(IOException failure, Network network, long received, byte[] head,
                                                long sent, int sentWrites, long silentNanos, Duration budget) {
        Optional<Network> v1 = v1VersionHeader(head);
        if (v1.isPresent()) {
            String which = v1.get() == network ? "" : " of another network (" + v1.get().id() + ", we use "
                    + network.id() + ")";
            return new V2HandshakeException(HandshakeStep.KEY, received, "received " + received + " bytes",
                    "the peer answered our key with a v1 'version' message" + which + ": a v1-only node that speaks"
                            + " first (v1 fallback only follows a peer that sent nothing, as in Bitcoin Core)",
                    failure);
        }
        if (looksLikeEcho(failure, received, sent, sentWrites)) {
            return new V2HandshakeException(HandshakeStep.GARBAGE, received, "received " + received
                    + " bytes, exactly as many as we sent",
                    "most likely an echo server or a loop, not a bitcoin node: the peer sent back as many bytes as"
                            + " we sent, then nothing (a BIP-324 node's random garbage makes its count differ)",
                    failure);
        }
        String ending = ending(failure, silentNanos, budget);
        boolean trickling = failure instanceof SocketTimeoutException && stillArriving(silentNanos, budget);
        if (received < KEY_LENGTH) {
            String cause = trickling
                    ? "the peer trickles its key, too slowly to finish within " + budget.toMillis() + " ms"
                    : "only part of a key: not a v1 node (that sends nothing before our version), so no v1"
                            + " fallback; a broken or hostile peer, or the connection was cut";
            return new V2HandshakeException(HandshakeStep.KEY, received, receivedText(received) + ending, cause,
                    failure);
        }
        long afterKey = received - KEY_LENGTH;
        if (failure instanceof GarbageTerminatorNotFoundException) {
            return new V2HandshakeException(HandshakeStep.GARBAGE, received, receivedText(received),
                    "no garbage terminator within " + Handshake.MAX_GARBAGE_LENGTH + " bytes of garbage: most likely"
                            + " a BIP-324 node of another network (the terminator derives from the network), or not"
                            + " a BIP-324 node", failure);
        }
        if (failure instanceof AuthenticationException) {
            return new V2HandshakeException(HandshakeStep.VERSION_PACKET, received, receivedText(received),
                    "the first packet after the garbage terminator failed authentication: the garbage or the packet"
                            + " was altered on the way, or the peer is not a BIP-324 node", failure);
        }
        if (failure instanceof OversizeException) {
            return new V2HandshakeException(HandshakeStep.VERSION_PACKET, received, receivedText(received),
                    "the first packet after the garbage terminator announces an oversize length: not a packet of"
                            + " this session", failure);
        }
        if (afterKey == 0) {
            return new V2HandshakeException(HandshakeStep.GARBAGE, received, receivedText(received) + ending,
                    trickling ? "the peer trickles its handshake"
                            : "the peer sent a key and nothing more: a BIP-324 node sends its garbage terminator and"
                            + " version packet as soon as it has our key; a broken or hostile peer", failure);
        }
        if (trickling) {
            return new V2HandshakeException(afterKey < 16 ? HandshakeStep.GARBAGE
                    : HandshakeStep.GARBAGE_OR_VERSION_PACKET, received, receivedText(received) + ending,
                    "the peer trickles its handshake, too slowly to finish within " + budget.toMillis()
                            + " ms: a hostile peer or a very slow link", failure);
        }
        if (afterKey < MIN_AFTER_KEY) {
            return new V2HandshakeException(HandshakeStep.GARBAGE_OR_VERSION_PACKET, received,
                    receivedText(received) + ending, "the peer stopped short of a garbage terminator and version"
                    + " packet: a broken or hostile peer", failure);
        }
        // A same-network BIP-324 node would have been done: everything it sends arrived, so we missed its terminator.
        return new V2HandshakeException(HandshakeStep.GARBAGE, received, receivedText(received) + ending,
                "no garbage terminator found in what the peer sent before it stopped: most likely a BIP-324 node of"
                        + " another network (the terminator derives from the network magic)", failure);
    }

    /** The peer's bytes, counted against the key. */
    static String receivedText(long received) {
        if (received == 0) {
            return "nothing received";
        }
        if (received < KEY_LENGTH) {
            return "received " + received + " of the peer's " + KEY_LENGTH + " key bytes";
        }
        return received == KEY_LENGTH ? "received the peer's 64-byte key"
                : "received the peer's 64-byte key and " + (received - KEY_LENGTH) + " bytes more";
    }

    /** How the peer's bytes stopped: closed, reset, silent, or still arriving at the deadline. */
    static String ending(IOException failure, long silentNanos, Duration budget) {
        if (failure instanceof EOFException) {
            return ", then the peer closed the connection";
        }
        if (failure instanceof SocketTimeoutException) {
            long silentMillis = silentNanos / 1_000_000;
            return stillArriving(silentNanos, budget)
                    ? ", still arriving " + silentMillis + " ms before the " + budget.toMillis() + " ms deadline"
                    : ", then silent for " + silentMillis + " ms";
        }
        if (failure instanceof SocketException) {
            return ", then the connection was reset";
        }
        return "";
    }

    /**
     * The network of a v1 message header at the start of {@code head} (magic + {@code version}), as far as the
     * bytes go (at least the 4-byte magic and 4 letters); empty if it is not one. A random key starts like this
     * with probability 2^-64.
     */
    static Optional<Network> v1VersionHeader(byte[] head) {
        if (head.length < 8) {
            return Optional.empty();
        }
        Optional<Network> network = Network.fromMagic(head, 0);
        if (network.isEmpty()) {
            return Optional.empty();
        }
        int compared = Math.min(head.length, 4 + V1_VERSION_COMMAND.length) - 4;
        for (int i = 0; i < compared; i++) {
            if (head[4 + i] != V1_VERSION_COMMAND[i]) {
                return Optional.empty();
            }
        }
        return network;
    }

    /**
     * An echo returns what we sent: our key and garbage, then our terminator and version packet, and then waits
     * with us. The engine shows this class only the sizes of our writes, not their bytes, so the test is by count:
     * both our handshake writes came back to the byte and the peer went quiet. A real BIP-324 node sends its own
     * random-length garbage, so it matches only by a 1-in-4096 coincidence.
     */
    static boolean looksLikeEcho(IOException failure, long received, long sent, int sentWrites) {
        return failure instanceof SocketTimeoutException && sentWrites >= 2 && received == sent
                && received > KEY_LENGTH;
    }
}

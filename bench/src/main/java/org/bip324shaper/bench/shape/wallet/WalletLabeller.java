package org.bip324shaper.bench.shape.wallet;

import java.util.ArrayList;
import java.util.List;
import org.bip324shaper.bench.shape.trace.CapturedConnection;
import org.bip324shaper.core.message.MessageTypes;
import org.bip324shaper.core.trace.ConnectionTrace;
import org.bip324shaper.core.trace.Direction;
import org.bip324shaper.core.trace.GenuineMessage;
import org.bip324shaper.core.trace.WireWrite;

/**
 * Guesses the messages of an UNDEFENDED v2 connection between a bitcoinj 0.17 wallet (the connector) and a Bitcoin
 * Core node, from segment sizes and order, as {@code UndefendedV2Labeller} does for Core-to-Core captures. A message
 * is payload + 21 bytes with a 1-byte type ID, + 33 with a 12-byte type. Rules, checked on the shared wallet captures:
 * <ol>
 *   <li>Handshake (only with the SYN captured): the wallet's first write is its key (+ garbage), a following 36-byte
 *       write the terminator and version packet; the node's first write is key, garbage, terminator and version
 *       packet together. Then each side's first write of 113..433 bytes is {@code version}.</li>
 *   <li>29 bytes, in time order over both sides: a {@code pong} if the other side has a ping unanswered for less
 *       than 1 s, else a {@code ping}; a side with a ping already outstanding sends a {@code feefilter} (Core's after
 *       {@code verack}).</li>
 *   <li>33 (empty long type): the wallet's {@code verack} then {@code sendaddrv2}; the node's {@code verack}, later
 *       ones {@code sendheaders}. 30: {@code sendcmpct}. 21 from the wallet: {@code mempool}.</li>
 *   <li>From the wallet, 1000 bytes or more: {@code getblocks} if its previous write (pings aside) was
 *       {@code mempool}, else {@code filterload}. 22 + 36m within 2 s of an {@code inv} from the node:
 *       {@code getdata}; any other size of 100..999: {@code tx}.</li>
 *   <li>From the node, 22 + 36m: {@code inv}; the first other write within 2 s of the wallet's {@code getdata} is a
 *       {@code merkleblock}, later ones within 200 ms of it {@code tx}.</li>
 *   <li>Anything else: {@code unknown}, payload = size - 21 (the replay keeps its wire size).</li>
 * </ol>
 * Limits: loopback captures only (no MSS splitting or coalescing is undone), and sizes that fit two rules take the
 * first.
 */
public final class WalletLabeller {
    private static final long SECOND = 1_000_000_000L;

    private WalletLabeller() {
    }

    /** The capture's writes with the messages guessed for them (each stamped at its write's time). */
    public static ConnectionTrace label(CapturedConnection connection) {
        ConnectionTrace t = connection.trace();
        Direction wallet = connection.initiatorDirection();
        List<WireWrite> writes = t.writes();
        String[] type = new String[writes.size()];
        int[] seen = new int[2];
        boolean[] versioned = new boolean[2];
        int[] thirtyThrees = new int[2];
        long[] pendingPing = {-1, -1};
        String lastWalletType = "";
        long lastNodeInv = Long.MIN_VALUE / 2;
        long lastGetdata = Long.MIN_VALUE / 2;
        long lastMerkleblock = Long.MIN_VALUE / 2;
        for (int i = 0; i < writes.size(); i++) {
            WireWrite w = writes.get(i);
            int side = w.direction() == wallet ? 0 : 1;
            int other = 1 - side;
            int n = seen[side]++;
            int size = w.bytes();
            long now = w.timeNanos();
            String label;
            if (connection.sawSyn() && n == 0) {
                label = null; // key + garbage (+ terminator and version packet from the responder)
            } else if (connection.sawSyn() && side == 0 && n == 1 && size == 36) {
                label = null; // terminator + version packet
            } else if (!versioned[side] && size >= 113 && size <= 433) {
                versioned[side] = true;
                label = "version";
            } else if (size == 29) {
                if (pendingPing[other] >= 0 && now - pendingPing[other] < SECOND) {
                    pendingPing[other] = -1;
                    label = "pong";
                } else if (pendingPing[side] >= 0 && now - pendingPing[side] < SECOND) {
                    label = "feefilter";
                } else {
                    pendingPing[side] = now;
                    label = "ping";
                }
            } else if (size == 33) {
                int k = thirtyThrees[side]++;
                label = side == 0 ? (k == 0 ? "verack" : "sendaddrv2") : (k == 0 ? "verack" : "sendheaders");
            } else if (size == 30) {
                label = "sendcmpct";
            } else if (side == 0) {
                if (size == 21) {
                    label = "mempool";
                } else if (size >= 1000) {
                    label = lastWalletType.equals("mempool") ? "getblocks" : "filterload";
                } else if (isInv(size) && now - lastNodeInv <= 2 * SECOND) {
                    label = "getdata";
                    lastGetdata = now;
                } else if (size >= 100) {
                    label = "tx";
                } else {
                    label = "unknown";
                }
            } else {
                if (isInv(size)) {
                    label = "inv";
                    lastNodeInv = now;
                } else if (now - lastGetdata <= 2 * SECOND && lastMerkleblock < lastGetdata) {
                    label = "merkleblock";
                    lastMerkleblock = now;
                } else if (now - lastMerkleblock <= SECOND / 5 && size >= 80) {
                    label = "tx";
                    lastMerkleblock = now;
                } else {
                    label = "unknown";
                }
            }
            if (side == 0 && label != null && !label.equals("ping") && !label.equals("pong")) {
                lastWalletType = label;
            }
            type[i] = label;
        }
        List<GenuineMessage> messages = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (type[i] != null) {
                WireWrite w = writes.get(i);
                messages.add(new GenuineMessage(w.timeNanos(), w.direction(), type[i], payload(type[i], w.bytes())));
            }
        }
        return new ConnectionTrace(t.label(), messages, writes);
    }

    /** Payload bytes of a message of {@code type} that took {@code wireBytes} alone on the wire. */
    static int payload(String type, int wireBytes) {
        int overhead = MessageTypes.shortId(type).isPresent() || type.startsWith("unknown") ? 21 : 33;
        return Math.max(0, wireBytes - overhead);
    }

    private static boolean isInv(int size) {
        return size >= 58 && (size - 22) % 36 == 0 && size <= 22 + 36 * 500 + 2;
    }
}

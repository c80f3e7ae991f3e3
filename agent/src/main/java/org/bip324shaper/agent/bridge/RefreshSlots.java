package org.bip324shaper.agent.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.bip324shaper.core.message.NetworkMessage;

/**
 * The wallet's refreshes, moved to slots of their own ({@link org.bip324shaper.agent.config.Normalization#REFRESH}).
 * After each redial bitcoinj sends {@code filterload} (about 3.5 KB), {@code mempool} and {@code getblocks} (a
 * locator of about 3.2 KB): on a spliced connection that burst would mark the payment 1.5 s after it. The link
 * holds a spliced connection's {@code filterload} and {@code getblocks} here and sends them at the next slot; slots
 * come at random gaps, and every slot sends the same set, {@code filterload}, {@code mempool}, {@code getblocks}:
 * the held ones, the rest from the cache of the last ones that went out (a dummy refresh when nothing is held), so a
 * slot says nothing about a payment. A cached locator gets the blocks the peer announced since prepended, so the
 * peer answers it with nothing new.
 *
 * <p>The wallet's own {@code mempool} is not held: it is a small message the shaper hides among its ticks, and
 * bitcoinj counts its payment as broadcast only when the peer's answer to it announces the transaction.
 *
 * <p>Not thread-safe: the link calls it under its lock.
 */
final class RefreshSlots {
    /** What a slot sends. */
    static final Set<String> COMMANDS = Set.of("filterload", "mempool", "getblocks");
    private static final List<String> SLOT_ORDER = List.of("filterload", "mempool", "getblocks");
    /** What a spliced connection's refresh holds for the slot. */
    static final Set<String> HELD = Set.of("filterload", "getblocks");
    /** Bitcoin Core reads at most this many locator hashes ({@code MAX_LOCATOR_SZ}). */
    static final int MAX_LOCATOR_HASHES = 101;
    /** Core's {@code MAX_INV_SZ}: an inv announcing more is not looked at. */
    private static final int MAX_INV_ENTRIES = 50_000;
    private static final int HASH_LENGTH = 32;
    private static final int MSG_BLOCK = 2;
    private static final int MSG_WITNESS_FLAG = 1 << 30;

    private final List<NetworkMessage> held = new ArrayList<>();
    private NetworkMessage lastFilterload;
    private NetworkMessage lastGetblocks;
    /** Block hashes the peer announced since {@link #lastGetblocks} went out, newest first. */
    private final Deque<byte[]> announced = new ArrayDeque<>();
    /** The newest block hash the peer announced on this session (its tip as far as the link knows), or null. */
    private byte[] tip;
    private long slots;
    private long dummySlots;
    private long heldMessages;

    /** A refresh message that goes out now (the session's first ones, a connection's later ones): cache it. */
    void passed(NetworkMessage m) {
        switch (m.command()) {
            case "filterload" -> {
                // a held filterload equals the one the peer already had: sent after this one it would undo it
                held.removeIf(h -> h.command().equals("filterload"));
                lastFilterload = m;
            }
            case "getblocks" -> {
                lastGetblocks = m;
                announced.clear();
            }
            default -> { }
        }
    }

    /** Holds a spliced connection's refresh message until the next slot. */
    void hold(NetworkMessage m) {
        held.add(m);
        heldMessages++;
    }

    /**
     * Whether holding {@code m} loses the wallet nothing: a {@code filterload} equal to the one last loaded on the
     * session (bitcoinj keeps one tweak per PeerGroup, so an unchanged key set gives the same bytes), or a
     * {@code getblocks} whose locator starts at the peer's tip (Core answers it with nothing). Anything else the
     * wallet needs now: a changed filter decides which transactions and merkleblock matches reach it, and a
     * getblocks from behind the tip is bitcoinj's only way to fetch blocks it missed (an orphan's recovery).
     */
    boolean redundant(NetworkMessage m) {
        return switch (m.command()) {
            case "filterload" -> lastFilterload != null && lastFilterload.payload().equals(m.payload());
            case "getblocks" -> tip != null && Arrays.equals(tip, locatorHead(m));
            default -> false;
        };
    }

    /** The first locator hash of a getblocks (the wallet's chain head), or null if it does not parse. */
    private static byte[] locatorHead(NetworkMessage getblocks) {
        ByteBuffer p = getblocks.payload().order(ByteOrder.LITTLE_ENDIAN);
        if (p.remaining() < 4) {
            return null;
        }
        p.getInt();
        long count = readCompactSize(p);
        if (count < 1 || p.remaining() < HASH_LENGTH) {
            return null;
        }
        byte[] head = new byte[HASH_LENGTH];
        p.get(head);
        return head;
    }

    boolean hasHeld() {
        return !held.isEmpty();
    }

    /** Whether a slot can be filled at all: the wallet's own refresh went out once (the cache is there). */
    boolean canFill() {
        return lastFilterload != null || lastGetblocks != null || !held.isEmpty();
    }

    /** A block inventory from the peer: its block hashes go into the next cached locator. */
    void onPeerInv(NetworkMessage inv) {
        ByteBuffer p = inv.payload().order(ByteOrder.LITTLE_ENDIAN);
        long count = readCompactSize(p);
        if (count < 0 || count > MAX_INV_ENTRIES || p.remaining() != count * (4 + HASH_LENGTH)) {
            return;
        }
        for (long i = 0; i < count; i++) {
            int type = p.getInt();
            byte[] hash = new byte[HASH_LENGTH];
            p.get(hash);
            if ((type & ~MSG_WITNESS_FLAG) == MSG_BLOCK) {
                tip = hash;
                announced.addFirst(hash);
                if (announced.size() > MAX_LOCATOR_HASHES) {
                    announced.removeLast();
                }
            }
        }
    }

    /**
     * The messages of one slot: every held one and what the set lacks from the cache, as filterload, mempool,
     * getblocks; empty if nothing was ever cached or held.
     */
    List<NetworkMessage> slot() {
        boolean heldFilterload = holds("filterload");
        boolean heldMempool = holds("mempool");
        boolean heldGetblocks = holds("getblocks");
        if (held.isEmpty()) {
            dummySlots++;
        }
        List<NetworkMessage> out = new ArrayList<>(3);
        if (!heldFilterload && lastFilterload != null) {
            out.add(lastFilterload);
        }
        out.addAll(held); // every held message goes out, in its order: nothing the wallet hands over is dropped
        held.clear();
        if (!heldMempool && (heldFilterload || lastFilterload != null)) {
            out.add(new NetworkMessage("mempool", new byte[0]));
        }
        if (!heldGetblocks && lastGetblocks != null) {
            out.add(withAnnounced(lastGetblocks));
        }
        // filterload first, so the peer answers mempool and getblocks with the new filter (a stable sort: held
        // messages of one command keep their order)
        out.sort(java.util.Comparator.comparingInt(m -> SLOT_ORDER.indexOf(m.command())));
        for (NetworkMessage m : out) {
            passed(m);
        }
        if (!out.isEmpty()) {
            slots++;
        }
        return out;
    }

    /** What is held, for the link's end: it goes out before the session closes. */
    List<NetworkMessage> drain() {
        List<NetworkMessage> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /** For the close line. */
    String summary() {
        return "refresh slots=" + slots + " (dummy " + dummySlots + ") held=" + heldMessages;
    }

    private boolean holds(String command) {
        return held.stream().anyMatch(m -> m.command().equals(command));
    }

    /**
     * {@code getblocks} with the blocks announced since it went out in front of its locator (at most
     * {@link #MAX_LOCATOR_HASHES}); unchanged if it does not parse.
     */
    private NetworkMessage withAnnounced(NetworkMessage getblocks) {
        if (announced.isEmpty()) {
            return getblocks;
        }
        ByteBuffer p = getblocks.payload().order(ByteOrder.LITTLE_ENDIAN);
        int version = p.remaining() >= 4 ? p.getInt() : -1;
        long count = readCompactSize(p);
        if (version < 0 || count < 0 || count > MAX_LOCATOR_HASHES
                || p.remaining() != (count + 1) * HASH_LENGTH) {
            return getblocks;
        }
        List<byte[]> locator = new ArrayList<>();
        for (byte[] hash : announced) {
            locator.add(hash);
        }
        for (long i = 0; i < count; i++) {
            byte[] hash = new byte[HASH_LENGTH];
            p.get(hash);
            if (locator.stream().noneMatch(h -> Arrays.equals(h, hash))) {
                locator.add(hash);
            }
        }
        byte[] stop = new byte[HASH_LENGTH];
        p.get(stop);
        int n = Math.min(locator.size(), MAX_LOCATOR_HASHES);
        ByteBuffer out = ByteBuffer.allocate(4 + 9 + (n + 1) * HASH_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(version);
        writeCompactSize(out, n);
        for (int i = 0; i < n; i++) {
            out.put(locator.get(i));
        }
        out.put(stop);
        return new NetworkMessage("getblocks", Arrays.copyOf(out.array(), out.position()));
    }

    /** Bitcoin's CompactSize; -1 if truncated. */
    static long readCompactSize(ByteBuffer p) {
        if (!p.hasRemaining()) {
            return -1;
        }
        int first = p.get() & 0xff;
        if (first < 0xfd) {
            return first;
        }
        int length = first == 0xfd ? 2 : first == 0xfe ? 4 : 8;
        if (p.remaining() < length) {
            return -1;
        }
        long value = length == 2 ? p.getShort() & 0xffffL : length == 4 ? p.getInt() & 0xffffffffL : p.getLong();
        return value < 0 ? -1 : value;
    }

    static void writeCompactSize(ByteBuffer out, long value) {
        if (value < 0xfd) {
            out.put((byte) value);
        } else if (value <= 0xffff) {
            out.put((byte) 0xfd).putShort((short) value);
        } else {
            out.put((byte) 0xfe).putInt((int) value);
        }
    }
}

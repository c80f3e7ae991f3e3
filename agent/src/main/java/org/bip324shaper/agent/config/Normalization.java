package org.bip324shaper.agent.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the bridge changes in a wallet's traffic so that it looks like a quiet node's on the wire, without changing
 * what the wallet learns (agent option {@code normalize}). Message sizes are the shaping's business: the
 * {@code wallet} shaping preset pads them.
 */
public enum Normalization {
    /**
     * The wallet's pings (bitcoinj: 2 s after every pong) are answered by the agent after the peer's last measured
     * round trip; the agent keeps the upstream alive with its own pings every 115-125 s and answers the peer's.
     */
    PINGS,
    /**
     * The wallet's reconnect after a broadcast does not reach the wire: the upstream session is kept for 10 s when
     * the wallet drops it, and a new wallet connection to the same peer is spliced onto it.
     */
    RECONNECT,
    /**
     * The wallet's refresh after a spliced reconnect ({@code filterload}, {@code mempool}, {@code getblocks}, about
     * 7 KB 1.5 s after each payment) waits for the next refresh slot; slots come every 5-15 min and each sends the
     * same set, from the wallet's held messages or its last ones, so that a slot says nothing about a payment.
     */
    REFRESH;

    /**
     * What {@code normalize=wallet} and the {@code wallet} shaping preset turn on: pings and reconnect.
     * {@link #REFRESH} is opt-in: while it holds a spliced reconnect's {@code getblocks}, bitcoinj 0.17.1 does not
     * take the confirming block (OwnNodeWalletIT times out waiting for the confirmation).
     */
    public static Set<Normalization> wallet() {
        return Collections.unmodifiableSet(EnumSet.of(PINGS, RECONNECT));
    }

    /** Every normalization ({@code normalize=all}). */
    public static Set<Normalization> all() {
        return Collections.unmodifiableSet(EnumSet.allOf(Normalization.class));
    }

    public static Set<Normalization> none() {
        return Collections.unmodifiableSet(EnumSet.noneOf(Normalization.class));
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code off}, {@code wallet} (all) or names joined with '+' ({@code pings+reconnect}); null if not valid. */
    static Set<Normalization> parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("off") || value.equals("none")) {
            return none();
        }
        if (value.equals("wallet")) {
            return wallet();
        }
        if (value.equals("all")) {
            return all();
        }
        EnumSet<Normalization> set = EnumSet.noneOf(Normalization.class);
        for (String part : value.split("\\+", -1)) {
            Normalization found = null;
            for (Normalization n : values()) {
                if (n.id().equals(part.trim())) {
                    found = n;
                }
            }
            if (found == null) {
                return null;
            }
            set.add(found);
        }
        return Collections.unmodifiableSet(set);
    }

    /** As {@link #parse} reads it back: {@code off} or the names joined with '+'. */
    static String format(Set<Normalization> set) {
        if (set.isEmpty()) {
            return "off";
        }
        StringBuilder out = new StringBuilder();
        for (Normalization n : values()) {
            if (set.contains(n)) {
                out.append(out.length() == 0 ? "" : "+").append(n.id());
            }
        }
        return out.toString();
    }
}

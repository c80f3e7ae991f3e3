package org.bip324shaper.bench.shape.wallet;

import java.util.Objects;

/**
 * Something that happened to the wallet: the ground truth A6 looks for.
 *
 * @param timeNanos time on the day's clock (0 at the first connection's SYN)
 * @param kind      what happened
 */
public record WalletEvent(long timeNanos, Kind kind) {
    public WalletEvent {
        Objects.requireNonNull(kind, "kind");
    }

    /** The kinds the wallet captures record ({@code events.csv}). */
    public enum Kind {
        /** The wallet broadcast a payment ({@code Wallet.sendCoins} called). */
        PAY,
        /** A block paying the wallet was mined. */
        RECEIVE,
        /** A block paying someone else was mined. */
        BLOCK
    }
}

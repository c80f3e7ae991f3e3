package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Named combinations of strategies, for the evaluation to place on the cost/leak plane. Costs are for our direction
 * of one connection; {@link #idleBytesPerDay()} is what a preset spends with no genuine traffic at all, to compare
 * with RANDOM decoys' 69 MB/day. None of them can hide the peer's direction: with an unmodified Bitcoin Core peer,
 * its blocks, headers and pings reach us unshaped.
 */
public enum ShapingPreset {
    // Preset names must differ from strategy names: ShapingStrategies.parse tries presets first.

    /**
     * The reference crate's behaviour: RANDOM padding (one 1..1024-byte decoy after every genuine packet, about 532
     * bytes each) and RANDOM decoys (about 69 MB/day). The baseline to beat.
     */
    REFERENCE("reference", "random+random-decoys"),

    /**
     * Writes padded to {@code max(128, Padme)}, Core-like handshake garbage. No idle cost; about 70 bytes per small
     * message and at most 11.6% + 22 bytes per large write. Hides sizes only (A1), not timing (A3, A5).
     */
    LIGHT("light", "bucketed:floor=128+handshake:garbage=0..4095"),

    /**
     * As {@link #LIGHT}, plus a 0..1024-byte front decoy and a cut into 1..4 writes for writes of 1 KiB or more:
     * on average 532 more bytes per large write.
     */
    LIGHT_BURST("light-burst", "burst:floor=128,threshold=1024,front=1024,chunks=4+handshake:garbage=0..4095"),

    /**
     * Ticker of 80/160/320/640/1280-byte writes (doubling, so a tick carrying a transaction wastes
     * less than half its size) every 2..4 s (mean 3 s, so at most 4 s added latency on small messages);
     * larger writes bypass it, padded to Padme with a front decoy. Idle: 2.3 MB/day (3.3% of RANDOM decoys).
     */
    LEAN("lean", "ticker:sizes=80/160/320/640/1280,min=2s,max=4s,threshold=1024,front=1024,chunks=4"
            + "+handshake:garbage=0..4095"),

    /** Ticker every 1..2 s (mean 1.5 s, at most 2 s latency). Idle: 4.6 MB/day (6.7% of RANDOM decoys). */
    STEADY("steady", "ticker:sizes=80/160/320/640/1280,min=1s,max=2s,threshold=1024,front=1024,chunks=4"
            + "+handshake:garbage=0..4095"),

    /**
     * Ticker every 1.5..2.5 s (mean 2 s) for small messages, plus mimic episodes at 4/h copying the large writes
     * of block episodes (at most 96 KiB/h). Idle: 3.5 MB/day ticker + 0.2 MB/day default-shape episodes. Busy
     * (a relaying node: tx/inv trickle, a 16 KB compact-block relay per block) about 4 MB/day of tick filler and
     * 1.6 MB/day of learned episodes, never more than 2.5 MB/day of mimic bytes: under a tenth of RANDOM decoys.
     */
    BALANCED("balanced", "ticker:sizes=80/160/320/640/1280,min=1500ms,max=2500ms,threshold=1024,front=1024,"
            + "chunks=4+mimic:rate=4/h,quiet=2s,min-episode=16384,min-write=1281,max-episode=32768,max-per-hour=98304,"
            + "default=2048@0ms+handshake:garbage=0..4095"),

    /**
     * Ticker of 128/256/512/1024/2048-byte writes every 0.25..0.75 s (22 MB/day idle), mimic at 30/h (at most
     * 1 MiB/h), handshake decoys. Idle about 25 MB/day, a busy relaying day about 35 MB: half of RANDOM, for the
     * upper end of the Pareto front.
     */
    STRONG("strong", "ticker:sizes=128/256/512/1024/2048,min=250ms,max=750ms,threshold=2048,front=2048,chunks=4"
            + "+mimic:rate=30/h,quiet=2s,min-episode=16384,min-write=2049,max-episode=262144,"
            + "max-per-hour=1048576,default=4096@0ms+handshake:garbage=0..4095,decoys=0..2,decoy-length=1..64"),

    /**
     * For a bitcoinj wallet behind the agent's wallet normalization (local pings, one upstream session across
     * bitcoinj's redials, filter refreshes on their own schedule). Ticks every 2..2.9 s, so a payment waits under
     * 3 s; an idle tick is 29 bytes (a ping's size) or, with probability 0.7, 416 bytes: the tick that carries a
     * payment (one or two inputs, 243 or 392 bytes) is one of many such ticks. getdata and pongs ride the small
     * ticks; filterload and getblocks bypass them, padded to Padme with a front decoy. Idle: 10.6 MB/day of ticks
     * (cover ticks are 90% of it; hiding a payment in every 5-s window costs at least ~5 MB/day, see
     * docs/shape-evaluation.md). Without the normalization it hides nothing: bitcoinj's reconnects and 2 s pings
     * stay on the wire.
     */
    WALLET("wallet", "ticker:sizes=29/80/416/1280,min=2s,max=2900ms,cover=416@0.7,threshold=1024,front=1024,"
            + "chunks=4+handshake:garbage=0..4095");

    private static final double SECONDS_PER_DAY = Duration.ofDays(1).toSeconds();

    private final String configName;
    private final String spec;

    ShapingPreset(String configName, String spec) {
        this.configName = configName;
        this.spec = spec;
    }

    /** The name {@link ShapingStrategies#parse} accepts for this preset. */
    public String configName() {
        return configName;
    }

    /** The preset spelled out in {@link ShapingStrategies} syntax. */
    public String spec() {
        return spec;
    }

    public TrafficConfig config() {
        return ShapingStrategies.parse(spec);
    }

    /**
     * Expected decoy bytes per day with no genuine traffic: ticker ticks, RANDOM decoys and mimic episodes of the
     * default shape (handshake costs are per connection and left out).
     */
    public double idleBytesPerDay() {
        TrafficConfig config = config();
        double bytes = 0;
        PaddingStrategy padding = config.padding();
        if (padding instanceof HandshakeCover.Covered covered) {
            padding = covered.padding();
        }
        if (padding instanceof TickerPadding ticker) {
            bytes += ticker.idleBytesPerDay();
        }
        if (config.decoys() instanceof RandomDecoys random) {
            double ticks = SECONDS_PER_DAY / (random.interval().toNanos() / 1e9);
            double meanDecoy = ProtocolLimits.PACKET_OVERHEAD
                    + (random.minDecoyLength() + random.maxDecoyLength()) / 2.0;
            bytes += ticks * random.probability() * meanDecoy;
        }
        if (config.decoys() instanceof MimicDecoys mimic) {
            bytes += mimic.expectedBytesPerDay(MimicDecoys.bytes(mimic.defaultShape()));
        }
        return bytes;
    }

    /** The preset names, comma-separated. */
    static String names() {
        return Arrays.stream(values()).map(ShapingPreset::configName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return configName;
    }
}

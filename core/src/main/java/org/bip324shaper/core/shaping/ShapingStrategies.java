package org.bip324shaper.core.shaping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bip324shaper.core.ProtocolLimits;

/**
 * Reads and writes whole shaping configurations as one string, for command lines and reports:
 *
 * <pre>
 * config  = preset | part ("+" part)*
 * part    = name [":" key "=" value ("," key "=" value)*]
 * </pre>
 *
 * At most one padding part ({@code none}/{@code disabled}, {@code random}, {@code bucketed}, {@code burst},
 * {@code ticker}), one decoy part ({@code random-decoys}, {@code mimic}) and one {@code handshake} part, which
 * replaces the padding strategy's handshake shape. Omitted keys take the defaults below; names and keys are
 * case-insensitive. Durations are {@code 250ms}, {@code 1.5s}, {@code 2min}, {@code 1h}; rates {@code 6/h},
 * {@code 0.1/min}, {@code 1/s}; ranges {@code 0..4095} (or one number); lists {@code 80/256/1024}.
 *
 * <pre>
 * random:min=1,max=1024,garbage=4095                 (the reference RANDOM padding)
 * bucketed:floor=128
 * burst:floor=128,threshold=1024,front=1024,chunks=4
 * ticker:sizes=80/256/1024,min=1s,max=2s[,cover=SIZE@P][,threshold=..,front=..,chunks=..]   (cover ticks; envelope)
 * random-decoys:interval=100ms,probability=0.15,min=1,max=1024,handshake=3   (the reference RANDOM decoys)
 * mimic:rate=6/h,quiet=2s,min-episode=16384,min-write=0,max-episode=65536,max-per-hour=1048576,default=128@0ms
 * handshake:garbage=0..4095,decoys=0..0,decoy-length=0..0
 * </pre>
 *
 * A mimic default shape is {@code |}-separated steps {@code size[/size...]@offset}, e.g. {@code 128@0ms|16384@80ms}.
 * {@link #format} writes a configuration back in this syntax (for the strategies of this package).
 */
public final class ShapingStrategies {

    private ShapingStrategies() {
    }

    /**
     * Parses a configuration string (see the class comment) or a {@link ShapingPreset} name.
     *
     * @throws IllegalArgumentException naming the offending part, key or value
     */
    public static TrafficConfig parse(String spec) {
        String text = spec.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty shaping configuration");
        }
        for (ShapingPreset preset : ShapingPreset.values()) {
            if (preset.configName().equals(text)) {
                return preset.config();
            }
        }
        PaddingStrategy padding = null;
        DecoyStrategy decoys = null;
        HandshakeCover cover = null;
        for (String partText : text.split("\\+", -1)) {
            Part part = Part.parse(partText);
            switch (part.name) {
                case "handshake":
                    if (cover != null) {
                        throw new IllegalArgumentException("more than one handshake part in '" + spec + "'");
                    }
                    cover = handshake(part);
                    break;
                case "random-decoys":
                case "mimic":
                    if (decoys != null) {
                        throw new IllegalArgumentException("more than one decoy strategy in '" + spec + "'");
                    }
                    decoys = part.name.equals("mimic") ? mimic(part) : randomDecoys(part);
                    break;
                default:
                    if (padding != null) {
                        throw new IllegalArgumentException("more than one padding strategy in '" + spec + "'");
                    }
                    padding = padding(part);
            }
        }
        if (padding == null) {
            padding = PaddingStrategy.DISABLED;
        }
        if (cover != null) {
            padding = cover.around(padding);
        }
        return new TrafficConfig(padding, decoys == null ? DecoyStrategy.DISABLED : decoys);
    }

    /** Writes {@code config} in the syntax {@link #parse} reads; custom strategies appear as their toString. */
    public static String format(TrafficConfig config) {
        String padding = format(config.padding());
        if (config.decoys() == DecoyStrategy.DISABLED) {
            return padding;
        }
        String decoys = config.decoys() instanceof RandomDecoys r
                ? "random-decoys:interval=" + ConfigText.duration(r.interval()) + ",probability="
                        + ConfigText.number(r.probability()) + ",min=" + r.minDecoyLength() + ",max="
                        + r.maxDecoyLength() + ",handshake=" + r.maxHandshakeDecoys()
                : config.decoys().toString();
        return padding + "+" + decoys;
    }

    private static String format(PaddingStrategy padding) {
        if (padding instanceof RandomPadding r) {
            return "random:min=" + r.minDecoyLength() + ",max=" + r.maxDecoyLength() + ",garbage="
                    + r.maxGarbageLength();
        }
        if (padding instanceof HandshakeCover.Covered c) {
            return format(c.padding()) + "+" + c.cover();
        }
        return padding.toString();
    }

    private static PaddingStrategy padding(Part part) {
        switch (part.name) {
            case "none":
            case "disabled":
                part.allow();
                return PaddingStrategy.DISABLED;
            case "random": {
                part.allow("min", "max", "garbage");
                if (part.params.isEmpty()) {
                    return PaddingStrategy.RANDOM;
                }
                return new RandomPadding(part.integer("min", 1), part.integer("max", 1024),
                        part.integer("garbage", ProtocolLimits.MAX_GARBAGE_LENGTH));
            }
            case "bucketed":
                part.allow("floor");
                return new BucketedPadding(part.integer("floor", 128));
            case "burst":
                part.allow("floor", "threshold", "front", "chunks");
                return new BucketedPadding(new SizeBuckets(part.integer("floor", 128)),
                        new BurstEnvelope(part.integer("threshold", 1024), part.integer("front", 1024),
                                part.integer("chunks", 4)));
            case "ticker": {
                part.allow("sizes", "min", "max", "threshold", "front", "chunks", "cover");
                BurstEnvelope envelope = part.has("threshold") || part.has("front") || part.has("chunks")
                        ? new BurstEnvelope(part.integer("threshold", 1024), part.integer("front", 1024),
                                part.integer("chunks", 4))
                        : BurstEnvelope.NONE;
                int coverSize = 0;
                double coverProbability = 0;
                if (part.has("cover")) {
                    String cover = part.params.get("cover");
                    int at = cover.indexOf('@');
                    if (at < 0) {
                        throw new IllegalArgumentException("ticker cover must be SIZE@PROBABILITY, e.g. 320@0.4,"
                                + " was '" + cover + "'");
                    }
                    try {
                        coverSize = Integer.parseInt(cover.substring(0, at));
                        coverProbability = Double.parseDouble(cover.substring(at + 1));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("ticker cover must be SIZE@PROBABILITY, was '" + cover
                                + "'", e);
                    }
                }
                return new TickerPadding(part.integers("sizes", List.of(80, 256, 1024)),
                        part.duration("min", Duration.ofSeconds(1)), part.duration("max", Duration.ofSeconds(2)),
                        envelope, coverSize, coverProbability);
            }
            default:
                throw new IllegalArgumentException("unknown shaping strategy '" + part.name + "' (expected none, "
                        + "disabled, random, bucketed, burst, ticker, random-decoys, mimic, handshake or a preset: "
                        + ShapingPreset.names() + ")");
        }
    }

    private static DecoyStrategy randomDecoys(Part part) {
        part.allow("interval", "probability", "min", "max", "handshake");
        if (part.params.isEmpty()) {
            return DecoyStrategy.RANDOM;
        }
        return new RandomDecoys(part.duration("interval", Duration.ofMillis(100)),
                part.number("probability", 0.15), part.integer("min", 1), part.integer("max", 1024),
                part.integer("handshake", 3));
    }

    private static DecoyStrategy mimic(Part part) {
        part.allow("rate", "quiet", "min-episode", "min-write", "max-episode", "max-per-hour", "default");
        return new MimicDecoys(part.rate("rate", 6), part.duration("quiet", Duration.ofSeconds(2)),
                part.longValue("min-episode", 16_384), part.longValue("min-write", 0),
                part.longValue("max-episode", 65_536), part.longValue("max-per-hour", 1 << 20),
                part.has("default") ? steps(part.params.get("default")) : MimicDecoys.SMALL_DEFAULT_SHAPE);
    }

    private static HandshakeCover handshake(Part part) {
        part.allow("garbage", "decoys", "decoy-length");
        int[] garbage = part.range("garbage", 0, ProtocolLimits.MAX_GARBAGE_LENGTH);
        int[] decoys = part.range("decoys", 0, 0);
        int[] lengths = part.range("decoy-length", 0, 0);
        return new HandshakeCover(garbage[0], garbage[1], decoys[0], decoys[1], lengths[0], lengths[1]);
    }

    private static List<MimicDecoys.Step> steps(String value) {
        List<MimicDecoys.Step> steps = new ArrayList<>();
        for (String step : value.split("\\|", -1)) {
            int at = step.indexOf('@');
            String sizes = at < 0 ? step : step.substring(0, at);
            Duration offset = at < 0 ? Duration.ZERO : duration("default", step.substring(at + 1));
            steps.add(new MimicDecoys.Step(offset, integers("default", sizes)));
        }
        return steps;
    }

    // --- value syntax ----------------------------------------------------------------------------------------------

    private static Duration duration(String key, String value) {
        String[][] units = {{"ns", "1"}, {"ms", "1000000"}, {"min", "60000000000"}, {"s", "1000000000"},
            {"m", "60000000000"}, {"h", "3600000000000"}};
        for (String[] unit : units) {
            if (value.endsWith(unit[0])) {
                double amount;
                try {
                    amount = number(key, value.substring(0, value.length() - unit[0].length()));
                } catch (IllegalArgumentException e) {
                    break;
                }
                double nanos = amount * Long.parseLong(unit[1]);
                if (!(nanos >= 0 && nanos <= Duration.ofDays(365).toNanos())) {
                    throw new IllegalArgumentException(key + " must be a duration of 0..365 days, was '" + value
                            + "'");
                }
                return Duration.ofNanos(Math.round(nanos));
            }
        }
        throw new IllegalArgumentException(key + " must be a duration such as 250ms, 2s, 1min or 1h, was '" + value
                + "'");
    }

    private static double number(String key, String value) {
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a number, was '" + value + "'");
    }

    private static long longValue(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
        }
    }

    private static int integer(String key, String value) {
        long number = longValue(key, value);
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is out of range: " + value);
        }
        return (int) number;
    }

    private static List<Integer> integers(String key, String value) {
        List<Integer> list = new ArrayList<>();
        for (String item : value.split("/", -1)) {
            list.add(integer(key, item));
        }
        return list;
    }

    /** One {@code name:key=value,...} part, with every key required to be used. */
    private static final class Part {
        final String name;
        final Map<String, String> params;

        private Part(String name, Map<String, String> params) {
            this.name = name;
            this.params = params;
        }

        static Part parse(String text) {
            String trimmed = text.trim();
            int colon = trimmed.indexOf(':');
            String name = (colon < 0 ? trimmed : trimmed.substring(0, colon)).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("missing strategy name in '" + text + "'");
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (colon >= 0) {
                for (String pair : trimmed.substring(colon + 1).split(",", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0 || eq == pair.length() - 1) {
                        throw new IllegalArgumentException("expected key=value in " + name + ", got '" + pair + "'");
                    }
                    String key = pair.substring(0, eq).trim();
                    if (params.put(key, pair.substring(eq + 1).trim()) != null) {
                        throw new IllegalArgumentException(name + " sets '" + key + "' twice");
                    }
                }
            }
            return new Part(name, params);
        }

        void allow(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (String key : params.keySet()) {
                if (!allowed.contains(key)) {
                    throw new IllegalArgumentException("unknown key '" + key + "' for " + name + " (expected "
                            + (keys.length == 0 ? "none" : String.join(", ", keys)) + ")");
                }
            }
        }

        boolean has(String key) {
            return params.containsKey(key);
        }

        int integer(String key, int fallback) {
            return has(key) ? ShapingStrategies.integer(name + " " + key, params.get(key)) : fallback;
        }

        long longValue(String key, long fallback) {
            return has(key) ? ShapingStrategies.longValue(name + " " + key, params.get(key)) : fallback;
        }

        double number(String key, double fallback) {
            return has(key) ? ShapingStrategies.number(name + " " + key, params.get(key)) : fallback;
        }

        Duration duration(String key, Duration fallback) {
            return has(key) ? ShapingStrategies.duration(name + " " + key, params.get(key)) : fallback;
        }

        List<Integer> integers(String key, List<Integer> fallback) {
            return has(key) ? ShapingStrategies.integers(name + " " + key, params.get(key)) : fallback;
        }

        /** Episodes per hour from {@code n/h}, {@code n/min} or {@code n/s}. */
        double rate(String key, double fallback) {
            if (!has(key)) {
                return fallback;
            }
            String value = params.get(key);
            String what = name + " " + key;
            int slash = value.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException(what + " must be a rate such as 6/h, 0.1/min or 1/s, was '"
                        + value + "'");
            }
            double amount = ShapingStrategies.number(what, value.substring(0, slash));
            switch (value.substring(slash + 1)) {
                case "h":
                    return amount;
                case "min":
                case "m":
                    return amount * 60;
                case "s":
                    return amount * 3600;
                default:
                    throw new IllegalArgumentException(what + " must be per h, min or s, was '" + value + "'");
            }
        }

        /** {@code lo..hi} or a single number. */
        int[] range(String key, int fallbackLow, int fallbackHigh) {
            if (!has(key)) {
                return new int[] {fallbackLow, fallbackHigh};
            }
            String value = params.get(key);
            int dots = value.indexOf("..");
            String what = name + " " + key;
            if (dots < 0) {
                int single = ShapingStrategies.integer(what, value);
                return new int[] {single, single};
            }
            return new int[] {ShapingStrategies.integer(what, value.substring(0, dots)),
                ShapingStrategies.integer(what, value.substring(dots + 2))};
        }
    }
}

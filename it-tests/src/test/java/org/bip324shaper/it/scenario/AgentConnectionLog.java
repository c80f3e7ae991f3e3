package org.bip324shaper.it.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bridged connection as the agent logged it on the wallet's stderr: the fields of its {@code open} line
 * ({@code peer network transport session}) and of its {@code close} line (byte counts; whatever the bridge
 * reports, read as {@code key=value} words).
 */
public record AgentConnectionLog(long id, Map<String, String> open, Map<String, String> close, String closeText) {
    private static final Pattern LINE = Pattern.compile("^\\[bip324] \\S+\\s+#(\\d+) (open|close) (.*)$");

    public AgentConnectionLog {
        open = Collections.unmodifiableMap(new LinkedHashMap<>(open)); // keeps the log's order
        close = Collections.unmodifiableMap(new LinkedHashMap<>(close));
    }

    /** Every connection with an open or close line, in order of first appearance. */
    public static List<AgentConnectionLog> parse(String stderr) {
        Map<Long, Map<String, String>> opens = new LinkedHashMap<>();
        Map<Long, Map<String, String>> closes = new LinkedHashMap<>();
        Map<Long, String> closeTexts = new LinkedHashMap<>();
        List<Long> order = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            long id = Long.parseLong(m.group(1));
            if (!order.contains(id)) {
                order.add(id);
            }
            (m.group(2).equals("open") ? opens : closes).put(id, fields(m.group(3)));
            if (m.group(2).equals("close")) {
                closeTexts.put(id, m.group(3));
            }
        }
        List<AgentConnectionLog> result = new ArrayList<>();
        for (long id : order) {
            result.add(new AgentConnectionLog(id, opens.getOrDefault(id, Map.of()), closes.getOrDefault(id, Map.of()),
                    closeTexts.getOrDefault(id, "")));
        }
        return result;
    }

    /**
     * The {@code key=value} words of a line. A bare word right before a run of them names its section and prefixes
     * the keys: the close line's {@code ... v2 wire sent genuine=1 decoy=2 received genuine=3} gives
     * {@code sent.genuine}, {@code sent.decoy}, {@code received.genuine}.
     */
    static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String section = "";
        String previousBare = "";
        boolean previousWasField = false;
        for (String word : text.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                if (!previousWasField) {
                    section = previousBare.matches("[a-z]+") ? previousBare + "." : "";
                }
                boolean endsPart = word.endsWith(";"); // "; undelivered=..." starts a part with no section
                fields.put(section + word.substring(0, eq), word.substring(eq + 1, word.length() - (endsPart ? 1 : 0)));
                previousWasField = !endsPart;
                if (endsPart) {
                    previousBare = "";
                }
            } else {
                previousBare = word;
                previousWasField = false;
            }
        }
        return fields;
    }

    public Optional<String> peer() {
        return Optional.ofNullable(open.get("peer"));
    }

    public Optional<String> transport() {
        return Optional.ofNullable(open.get("transport"));
    }

    /** The BIP-324 session id the agent logged; empty for v1 ({@code session=-}) or no open line. */
    public Optional<String> sessionId() {
        String s = open.get("session");
        return s == null || s.equals("-") ? Optional.empty() : Optional.of(s);
    }

    public boolean isClosed() {
        return !close.isEmpty();
    }

    /** Messages the wallet handed over that never reached the peer, from the close line; empty if not closed. */
    public Optional<Long> undeliveredMessages() {
        return Optional.ofNullable(close.get("undelivered")).map(Long::parseLong);
    }

    /**
     * Whether the close line says its undelivered messages were lost because the peer closed first (what a shaper
     * still held when the peer hung up cannot reach it).
     */
    public boolean lostBecauseThePeerClosed() {
        return closeText.contains("undelivered because: the peer closed the connection");
    }

    /** The close line's fields about genuine and decoy traffic, if the bridge reports that split. */
    public Map<String, String> genuineAndDecoyFields() {
        Map<String, String> split = new LinkedHashMap<>();
        close.forEach((k, v) -> {
            if (k.contains("genuine") || k.contains("decoy")) {
                split.put(k, v);
            }
        });
        return split;
    }
}

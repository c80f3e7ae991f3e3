package org.bip324shaper.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official BIP-324 CSV vectors from {@code ../shared/bip324-vectors}. Missing files fail the test: a vector test
 * that silently skips would prove nothing.
 */
public final class Vectors {
    private Vectors() {
    }

    public static Path dir() {
        String configured = System.getProperty("bip324.vectors.dir");
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("../../shared/bip324-vectors"));
        candidates.add(Path.of("../shared/bip324-vectors"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("BIP-324 vectors not found; looked in " + candidates);
    }

    /** Every row of the named CSV file as column name -> cell (empty string for an empty cell). */
    public static List<Map<String, String>> rows(String fileName) {
        try {
            List<String> lines = Files.readAllLines(dir().resolve(fileName), StandardCharsets.UTF_8);
            String[] header = lines.get(0).split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != header.length) {
                    throw new IllegalStateException(fileName + ": row has " + cells.length + " cells, header " + header.length);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.bip324shaper.bench.shape.trace;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real captures live: /work/shared/traces beside the clone, or -Dbip324.traces.dir. */
final class SharedCaptures {
    static final Path DIR = locate();
    static final Path MAINNET = DIR.resolve("capture_002_mainnet.pcap");
    static final Path HANDSHAKE = DIR.resolve("capture_bip324_handshake.pcap");

    private SharedCaptures() {
    }

    private static Path locate() {
        String configured = System.getProperty("bip324.traces.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("traces");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            Path sibling = p.resolveSibling("shared").resolve("traces");
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        return Path.of("/work/shared/traces");
    }
}

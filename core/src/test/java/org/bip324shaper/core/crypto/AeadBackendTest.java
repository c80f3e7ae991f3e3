package org.bip324shaper.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AeadBackendTest {
    @Test
    void defaultsToTheJdkCipherWhereSunJceHasIt() {
        assertEquals(AeadBackend.JDK, AeadBackend.choose(true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.choose(false));
        assertEquals(AeadBackend.choose(AeadBackend.JDK.isAvailable()), AeadBackend.preferred());
        assertTrue(AeadBackend.BOUNCY_CASTLE.isAvailable());
    }

    @Test
    void parsesTheConfigurationNames() {
        assertEquals(AeadBackend.JDK, AeadBackend.parse("jdk"));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.parse(" bouncy-castle "));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.parse("BOUNCY_CASTLE"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AeadBackend.parse("openssl"));
        assertTrue(e.getMessage().contains("jdk or bouncy-castle"), e.getMessage());
        for (AeadBackend b : AeadBackend.values()) {
            assertEquals(b, AeadBackend.parse(b.id()));
        }
    }

    /** Core takes its settings explicitly: no source file of core reads a system property or the environment. */
    @Test
    void noCoreSourceReadsSystemPropertiesOrTheEnvironment() throws Exception {
        Path sources = Path.of("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the core module: " + sources.toAbsolutePath());
        List<String> readers;
        try (Stream<Path> files = Files.walk(sources)) {
            readers = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    String text = Files.readString(f);
                    return text.contains("System.getProperty") || text.contains("System.getenv")
                            || text.contains("Integer.getInteger") || text.contains("Boolean.getBoolean");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
        assertEquals(List.of(), readers);
    }
}

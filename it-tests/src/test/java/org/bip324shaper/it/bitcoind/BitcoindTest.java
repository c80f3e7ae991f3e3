package org.bip324shaper.it.bitcoind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up and clean-up of {@link Bitcoind}, with a stand-in executable that records its arguments and fails. */
class BitcoindTest {

    @Test
    void startsWithTheFlagsBitcoinjNeedsAndCleansUpWhenBitcoindDies(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the stand-in executable");
        Path args = tmp.resolve("args.txt");
        Path fake = tmp.resolve("bitcoind");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '" + args + "'\n"
                + "echo 'Error: stand-in bitcoind refuses to start'\nexit 3\n", StandardCharsets.UTF_8);
        assertTrue(fake.toFile().setExecutable(true));
        Set<Path> before = datadirs();

        IOException e = assertThrows(IOException.class, () -> Bitcoind.start(fake, true));

        assertTrue(e.getMessage().contains("exited with 3"), e.getMessage());
        assertTrue(e.getMessage().contains("stand-in bitcoind refuses to start"), "its output is reported");
        assertEquals(before, datadirs(), "the temporary datadir is deleted");
        List<String> passed = Files.readAllLines(args, StandardCharsets.UTF_8);
        for (String flag : List.of("-regtest", "-v2transport=1", "-peerbloomfilters=1", "-whitelist=noban@127.0.0.1",
                "-listen=1", "-bind=127.0.0.1", "-rpcbind=127.0.0.1", "-dnsseed=0", "-fixedseeds=0")) {
            assertTrue(passed.contains(flag), flag + " in " + passed);
        }
        assertTrue(passed.stream().anyMatch(a -> a.matches("-port=\\d+")), passed.toString());
        assertTrue(passed.stream().anyMatch(a -> a.matches("-rpcport=\\d+")), passed.toString());
        assertTrue(passed.stream().noneMatch(a -> a.startsWith("-rpcpassword")), "cookie auth, no password in argv");
    }

    @Test
    void v1OnlyIsAskedForWithV2TransportOff(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the stand-in executable");
        Path args = tmp.resolve("args.txt");
        Path fake = tmp.resolve("bitcoind");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '" + args + "'\nexit 1\n",
                StandardCharsets.UTF_8);
        assertTrue(fake.toFile().setExecutable(true));
        assertThrows(IOException.class, () -> Bitcoind.start(fake, false));
        assertTrue(Files.readAllLines(args, StandardCharsets.UTF_8).contains("-v2transport=0"));
    }

    @Test
    void aMissingExecutableIsAClearError(@TempDir Path tmp) {
        IOException e = assertThrows(IOException.class, () -> Bitcoind.start(tmp.resolve("nope"), true));
        assertTrue(e.getMessage().contains("BITCOIND="), e.getMessage());
    }

    private static Set<Path> datadirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("bip324-bitcoind-")).collect(Collectors.toSet());
        }
    }
}

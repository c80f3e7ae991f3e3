package org.bip324shaper.bench.shape.wallet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The wallet captures: shape-only copies kept in test resources, and the pcaps when shared/traces is present. */
final class WalletTraces {
    static final List<String> NAMES = List.of("wallet_nio_20min", "wallet_blocking_20min");
    static final Path SHARED = WalletReport.sharedWalletTraces();

    private WalletTraces() {
    }

    /** The repository's shape-only copies (always available). */
    static List<WalletDay> resources() {
        List<WalletDay> days = new ArrayList<>();
        for (String n : NAMES) {
            try (InputStream in = WalletTraces.class.getResourceAsStream("/wallet/" + n + ".walletday")) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource wallet/" + n + ".walletday");
                }
                days.add(WalletDayFiles.read(in, n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return days;
    }

    static boolean pcapsPresent() {
        return NAMES.stream().allMatch(n -> Files.exists(SHARED.resolve(n + ".pcap")));
    }
}

package org.bip324shaper.it.wallet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalletJvmTest {

    @Test
    void theWalletClasspathKeepsBitcoinjsBouncyCastleAndDropsTheProjectsCryptoStack() {
        assertTrue(WalletJvm.isProjectCryptoStack("/m2/org/bouncycastle/bcprov-jdk18on/1.87/bcprov-jdk18on-1.87.jar"));
        assertTrue(WalletJvm.isProjectCryptoStack("/m2/org/bip324shaper/bip324-core/0.1.0/bip324-core-0.1.0.jar"));
        assertTrue(WalletJvm.isProjectCryptoStack("/work/project/core/target/classes"));
        assertFalse(WalletJvm.isProjectCryptoStack("/m2/org/bouncycastle/bcprov-jdk15to18/1.83/bcprov-jdk15to18-1.83.jar"));
        assertFalse(WalletJvm.isProjectCryptoStack("/m2/org/bitcoinj/bitcoinj-core/0.17.1/bitcoinj-core-0.17.1.jar"));
        assertFalse(WalletJvm.isProjectCryptoStack("/work/project/it-tests/target/test-classes"));
    }

    @Test
    void underThisTestRunTheWalletClasspathHasBitcoinjAndItsOwnBouncyCastleOnly() {
        List<String> entries = Arrays.asList(WalletJvm.walletClasspath().split(File.pathSeparator));
        assertTrue(entries.stream().anyMatch(e -> e.contains("bitcoinj-core")), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.contains("bcprov-jdk15to18")), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.replace('\\', '/').endsWith("test-classes")), entries.toString());
        assertFalse(entries.stream().anyMatch(WalletJvm::isProjectCryptoStack), entries.toString());
        assertFalse(entries.stream().anyMatch(WalletJvm::isAgentTestHelpers), entries.toString());
    }

    @Test
    void theWalletClasspathDropsTheAgentsTestHelpers() {
        assertTrue(WalletJvm.isAgentTestHelpers("/work/project/agent/target/test-classes"));
        assertTrue(WalletJvm.isAgentTestHelpers(
                "/m2/org/bip324shaper/bip324-agent/0.1.0-SNAPSHOT/bip324-agent-0.1.0-SNAPSHOT-tests.jar"));
        assertFalse(WalletJvm.isAgentTestHelpers("/work/project/it-tests/target/test-classes"));
        assertFalse(WalletJvm.isAgentTestHelpers("/work/project/agent/target/bip324-agent.jar"));
    }
}

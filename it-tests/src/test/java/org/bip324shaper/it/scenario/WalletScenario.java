package org.bip324shaper.it.scenario;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.bip324shaper.it.wallet.WalletJvm;
import org.bip324shaper.it.wallet.WalletMain;
import org.bip324shaper.it.wallet.WalletProcess;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.AddressParser;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ECKey;

/**
 * One wallet life against a backend, driven from outside: start the wallet JVM with the agent, let it sync, mine a
 * block paying it and 100 more so the coinbase matures, take its payment from the backend's memory pool, mine it,
 * then close the connection from the backend's side. Everything observed on the way is in the {@link WalletRun};
 * the caller asserts on it. A step that does not happen fails with the wallet's output attached.
 */
public final class WalletScenario {
    /** Enough to sync on a slow machine; a healthy run takes a few seconds per step. */
    public static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);
    /** The backend's blocks before the wallet starts, so its chain download has something to fetch. */
    static final int PREMINED_BLOCKS = 5;
    public static final Coin PAYMENT = Coin.COIN;

    private final RegtestBackend backend;
    private final Path java;
    private final WalletMain.Client client;
    private final String agentOptions;
    private String route = "direct";
    private List<String> jvmArgs = List.of();
    private Supplier<String> connectionLog;
    private SyncHook atSync = wallet -> { };

    /** Something to check while the wallet is connected and synced (e.g. read its MBean). */
    @FunctionalInterface
    public interface SyncHook {
        void run(WalletProcess wallet) throws Exception;
    }

    public WalletScenario(RegtestBackend backend, Path java, WalletMain.Client client) {
        this(backend, java, client, "loopback=true,ports=" + backend.p2pPort());
    }

    public WalletScenario(RegtestBackend backend, Path java, WalletMain.Client client, String agentOptions) {
        this.backend = backend;
        this.java = java;
        this.client = client;
        this.agentOptions = agentOptions;
    }

    /** The wallet's socket route ({@link WalletMain}): {@code socks=HOST:PORT} and {@code factory} need no agent. */
    public WalletScenario route(String route) {
        this.route = route;
        return this;
    }

    public WalletScenario jvmArgs(List<String> jvmArgs) {
        this.jvmArgs = List.copyOf(jvmArgs);
        return this;
    }

    /** Where the relay's {@code #id open/close} lines come from, when not the wallet's stderr (a proxy's). */
    public WalletScenario connectionLog(Supplier<String> source) {
        this.connectionLog = source;
        return this;
    }

    public WalletScenario atSync(SyncHook hook) {
        this.atSync = hook;
        return this;
    }

    public WalletRun run() throws Exception {
        // addresses the wallet does not own: the miner's for maturing blocks, the payee for the payment
        Address miner = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
        Address payee = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
        backend.generateToAddress(PREMINED_BLOCKS, miner);

        WalletProcess.Launch launch = new WalletProcess.Launch(java, WalletJvm.agentJar(), agentOptions,
                WalletJvm.walletClasspath(), backend.p2pPort(), client, payee, PAYMENT, STEP_TIMEOUT, route, jvmArgs);
        try (WalletProcess wallet = launch.start()) {
            Address walletAddress = AddressParser.getDefault(BitcoinNetwork.REGTEST)
                    .parseAddress(wallet.awaitLine("ADDRESS", STEP_TIMEOUT));
            int syncedHeight = Integer.parseInt(wallet.awaitLine("SYNCED", STEP_TIMEOUT));
            int backendHeightAtSync = backend.height();
            List<RegtestBackend.BackendPeer> peersAtSync = backend.peers();
            atSync.run(wallet);

            Sha256Hash coinbaseBlock = backend.generateToAddress(1, walletAddress).get(0);
            long coinbaseToWallet = backend.coinbasePaidTo(coinbaseBlock, walletAddress);
            backend.generateToAddress(100, miner); // coinbase maturity
            long[] spendable = longs(wallet.awaitLine("BALANCE", STEP_TIMEOUT));

            String[] broadcast = wallet.awaitLine("BROADCAST", STEP_TIMEOUT).split(" ");
            Sha256Hash txid = Sha256Hash.wrap(broadcast[0]);
            List<RegtestBackend.TxOutput> mempoolOutputs = backend.awaitMempool(txid, STEP_TIMEOUT);

            Sha256Hash confirmingBlock = backend.generateToAddress(1, miner).get(0);
            String[] confirmed = wallet.awaitLine("CONFIRMED", STEP_TIMEOUT).split(" ");
            long[] afterPayment = longs(wallet.awaitLine("BALANCE", STEP_TIMEOUT));
            List<RegtestBackend.BackendPeer> peersAtEnd = backend.peers();

            backend.disconnectPeers();
            wallet.awaitLine("DONE", STEP_TIMEOUT);
            int exit = wallet.awaitExit(STEP_TIMEOUT);
            return new WalletRun(backend.description(), java, client, walletAddress, payee, syncedHeight,
                    backendHeightAtSync, peersAtSync, coinbaseToWallet, spendable[0], spendable[1], txid,
                    Long.parseLong(broadcast[1]), Long.parseLong(broadcast[2]), mempoolOutputs, confirmingBlock,
                    Integer.parseInt(confirmed[1]), afterPayment[0], afterPayment[1], peersAtEnd,
                    AgentConnectionLog.parse(connectionLog == null ? wallet.stderr() : connectionLog.get()), exit,
                    wallet.stdout(), wallet.describe()
                            + (connectionLog == null ? "" : "\n--- relay log ---\n" + connectionLog.get()));
        }
    }

    private static long[] longs(String words) {
        String[] parts = words.split(" ");
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Long.parseLong(parts[i]);
        }
        return values;
    }
}

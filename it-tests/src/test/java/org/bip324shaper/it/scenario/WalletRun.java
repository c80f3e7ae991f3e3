package org.bip324shaper.it.scenario;

import java.nio.file.Path;
import java.util.List;
import org.bip324shaper.it.wallet.WalletMain;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.Sha256Hash;

/**
 * Everything one {@link WalletScenario} observed: the wallet's printed lines, the backend's view of the connection
 * and of the payment, and the agent's log lines.
 *
 * @param availableWhenSpendable the wallet's AVAILABLE balance once the coinbase matured (sat)
 * @param estimatedWhenSpendable its ESTIMATED balance at that moment (sat)
 * @param finalAvailable AVAILABLE balance after the payment confirmed (sat)
 * @param finalEstimated ESTIMATED balance after the payment confirmed (sat)
 * @param walletStdout every line the wallet printed
 * @param transcript the wallet's command, stdout and stderr, for failure messages
 */
public record WalletRun(String backend, Path java, WalletMain.Client client, Address walletAddress, Address payee,
                        int syncedHeight, int backendHeightAtSync, List<RegtestBackend.BackendPeer> peersAtSync,
                        long coinbaseToWallet, long availableWhenSpendable, long estimatedWhenSpendable,
                        Sha256Hash paymentTxid, long paymentAmount, long paymentFee,
                        List<RegtestBackend.TxOutput> mempoolOutputs, Sha256Hash confirmingBlock,
                        int confirmedHeight, long finalAvailable, long finalEstimated,
                        List<RegtestBackend.BackendPeer> peersAtEnd, List<AgentConnectionLog> agentConnections,
                        int exitCode, List<String> walletStdout, String transcript) {
}

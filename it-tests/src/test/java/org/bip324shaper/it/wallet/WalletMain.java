package org.bip324shaper.it.wallet;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.AddressParser;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.core.BlockChain;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.PeerAddress;
import org.bitcoinj.core.PeerGroup;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionConfidence;
import org.bitcoinj.core.listeners.DownloadProgressTracker;
import org.bitcoinj.net.BlockingClientManager;
import org.bitcoinj.params.RegTestParams;
import org.bitcoinj.store.MemoryBlockStore;
import org.bitcoinj.utils.Threading;
import org.bitcoinj.wallet.SendRequest;
import org.bitcoinj.wallet.Wallet;

/**
 * The wallet JVM: an unmodified bitcoinj 0.17.1 SPV wallet on regtest whose only peer is {@code 127.0.0.1:port}.
 * It knows nothing of the agent; the launcher adds {@code -javaagent}. It prints one machine-readable line per step
 * on stdout, and the test checks each step from outside, on the node:
 *
 * <pre>
 * ADDRESS &lt;receive address&gt;
 * SYNCED &lt;height&gt;
 * BALANCE &lt;available sat&gt; &lt;estimated sat&gt;       once coins are spendable
 * PAYING &lt;n&gt; &lt;epoch ms&gt;                     right before the send call (payments: 6th argument)
 * SENT &lt;txid&gt;                                 the send call returned
 * BROADCAST &lt;txid&gt; &lt;amount sat&gt; &lt;fee sat&gt;     the payment was sent and relayed back
 * CONFIRMED &lt;txid&gt; &lt;height&gt;
 * BALANCE &lt;available sat&gt; &lt;estimated sat&gt;       after the payment
 * DISCONNECTED                                 the node closed the connection
 * DONE
 * </pre>
 *
 * A step that does not happen within its timeout prints {@code ERROR <what>} and exits with status 2.
 *
 * <p>Arguments: {@code <port> <nio|blocking> <pay-to address> <amount sat> [step timeout seconds]}.
 */
public final class WalletMain {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private WalletMain() {
    }

    /** Which of bitcoinj's network layers the PeerGroup uses: both connect through JDK calls the agent hooks. */
    public enum Client {
        /** The default {@code NioClientManager}: non-blocking {@code SocketChannel.connect}. */
        NIO,
        /** {@code BlockingClientManager}: a {@code Socket} per peer. */
        BLOCKING
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: WalletMain <port> <nio|blocking> <pay-to address> <amount sat> [timeout s] [payments]");
            System.exit(64);
        }
        int port = Integer.parseInt(args[0]);
        Client client = Client.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
        Address payTo = AddressParser.getDefault(BitcoinNetwork.REGTEST).parseAddress(args[2]);
        Coin amount = Coin.valueOf(Long.parseLong(args[3]));
        Duration timeout = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 120);
        int payments = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        try {
            run(port, client, payTo, amount, timeout, payments);
            System.exit(0);
        } catch (TimeoutException e) {
            OUT.println("ERROR timed out waiting for " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(int port, Client client, Address payTo, Coin amount, Duration timeout, int payments)
            throws Exception {
        Context.propagate(new Context());
        BitcoinNetwork network = BitcoinNetwork.REGTEST;
        Wallet wallet = Wallet.createDeterministic(network, ScriptType.P2WPKH);
        OUT.println("ADDRESS " + wallet.currentReceiveAddress());

        BlockChain chain = new BlockChain(network, wallet,
                new MemoryBlockStore(RegTestParams.get().getGenesisBlock()));
        PeerGroup peers = client == Client.BLOCKING
                ? new BlockingPeerGroup(network, chain)
                : new PeerGroup(network, chain);
        peers.setUseLocalhostPeerWhenPossible(false); // else it also tries 127.0.0.1:18444
        peers.addWallet(wallet);
        peers.addAddress(PeerAddress.simple(InetAddress.getLoopbackAddress(), port));
        // after addAddress, which raises the maximum by one: the download peer is only chosen once more than half
        // of the maximum are connected
        peers.setMaxConnections(1);
        DownloadProgressTracker download = new DownloadProgressTracker();
        // registered before start(): afterwards nothing would start the download
        peers.startBlockChainDownload(download);
        peers.start();
        await(download.getFuture(), timeout, "the chain download");
        OUT.println("SYNCED " + chain.getBestChainHeight());

        await(spendable(wallet, chain), timeout, "spendable coins");
        printBalance(wallet);

        Transaction tx = null;
        for (int i = 1; i <= payments; i++) {
            OUT.println("PAYING " + i + " " + System.currentTimeMillis()); // for the latency bench: send call time
            Wallet.SendResult sent = wallet.sendCoins(peers, SendRequest.to(payTo, amount));
            tx = sent.transaction();
            OUT.println("SENT " + tx.getTxId());
            // bitcoinj drops the peer it sent the payment to and takes the re-announcement on the next connection
            // (bloom filter + mempool) as proof of relay: wait for that, so the connection is stable from here on
            await(sent.getBroadcast().awaitRelayed(), timeout, "the payment to be relayed back");
            OUT.println("BROADCAST " + tx.getTxId() + " " + amount.value + " " + tx.getFee().value);
        }

        TransactionConfidence confirmed = await(tx.getConfidence().getDepthFuture(1), timeout, "a confirmation");
        OUT.println("CONFIRMED " + tx.getTxId() + " " + confirmed.getAppearedAtChainHeight());
        CountDownLatch disconnected = new CountDownLatch(1);
        peers.addDisconnectedEventListener((peer, left) -> disconnected.countDown());
        printBalance(wallet); // after the listener: the test disconnects the wallet once it sees this line

        if (!disconnected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the node to disconnect");
        }
        OUT.println("DISCONNECTED");
        peers.stop();
        OUT.println("DONE");
    }

    /**
     * Completes once the wallet has an AVAILABLE balance. Not {@code Wallet.getBalanceFuture}: bitcoinj re-checks
     * those futures when transactions arrive, not when a new block makes a coinbase mature.
     */
    private static CompletableFuture<Coin> spendable(Wallet wallet, BlockChain chain) {
        CompletableFuture<Coin> future = new CompletableFuture<>();
        Runnable check = () -> {
            Coin available = wallet.getBalance(Wallet.BalanceType.AVAILABLE);
            if (available.isPositive()) {
                future.complete(available);
            }
        };
        chain.addNewBestBlockListener(Threading.SAME_THREAD, block -> check.run());
        check.run();
        return future;
    }

    private static void printBalance(Wallet wallet) {
        OUT.println("BALANCE " + wallet.getBalance(Wallet.BalanceType.AVAILABLE).value + " "
                + wallet.getBalance(Wallet.BalanceType.ESTIMATED).value);
    }

    private static <T> T await(java.util.concurrent.Future<T> future, Duration timeout, String what)
            throws Exception {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException(what);
        }
    }

    /** bitcoinj only offers the connection-manager constructor to subclasses. */
    private static final class BlockingPeerGroup extends PeerGroup {
        BlockingPeerGroup(BitcoinNetwork network, BlockChain chain) {
            super(network, chain, new BlockingClientManager());
        }
    }
}

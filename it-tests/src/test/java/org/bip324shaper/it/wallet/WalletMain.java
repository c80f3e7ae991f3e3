package org.bip324shaper.it.wallet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.SocketFactory;
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
 * A step that does not happen within its timeout prints {@code ERROR <what>} and exits with status 2 (waiting for
 * spendable coins, after {@code STATE <chain height, wallet transactions, estimated balance>}).
 *
 * <p>With {@value #ON_COMMAND} as the number of payments the wallet pays when told instead: once coins are
 * spendable it reads stdin, and each {@code pay} line makes it pay the amount to its own address (the pay-to argument
 * is then unused): {@code PAYING}, then {@code SENT}, and {@code BROADCAST} whenever that payment is relayed back,
 * while the next command may already come. {@code stop} or the end of stdin stops the PeerGroup: {@code DONE}.
 *
 * <p>Arguments: {@code <port> <nio|blocking> <pay-to address> <amount sat> [step timeout seconds] [payments]}. The
 * system property {@value #ROUTE_PROPERTY}, for the blocking client only, says how its sockets are made:
 * {@code direct} (the default; the agent, if attached, intercepts them), {@code socks=HOST:PORT} (through a SOCKS5
 * proxy, e.g. {@code bip324-agent.jar proxy}) or {@code factory} ({@code Bip324SocketFactory} from bip324-socket-factory.jar on the classpath, no agent). With
 * {@code factory} the wallet also subscribes to the factory's connection events and prints each one:
 *
 * <pre>
 * EVENT opened id=&lt;n&gt; transport=&lt;v1|v2&gt; session=&lt;hex|-&gt;
 * EVENT closed id=&lt;n&gt; transport=&lt;v1|v2&gt; sent=&lt;bytes&gt; received=&lt;bytes&gt;
 * </pre>
 */
public final class WalletMain {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    /** The system property with the blocking client's socket route (see the class comment). */
    public static final String ROUTE_PROPERTY = "wallet.route";
    /** The payments argument that makes the wallet pay on stdin's {@code pay} lines (see the class comment). */
    public static final String ON_COMMAND = "stdin";

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
        boolean onCommand = args.length > 5 && args[5].equals(ON_COMMAND);
        int payments = args.length > 5 && !onCommand ? Integer.parseInt(args[5]) : 1;
        String route = System.getProperty(ROUTE_PROPERTY, "direct");
        try {
            run(port, client, payTo, amount, timeout, onCommand ? -1 : payments, route);
            System.exit(0);
        } catch (TimeoutException e) {
            OUT.println("ERROR timed out waiting for " + e.getMessage());
            System.exit(2);
        }
    }

    /** @param payments how many to pay to {@code payTo} one after another; negative: on command (stdin) */
    private static void run(int port, Client client, Address payTo, Coin amount, Duration timeout, int payments,
                            String route)
            throws Exception {
        Context.propagate(new Context());
        BitcoinNetwork network = BitcoinNetwork.REGTEST;
        Wallet wallet = Wallet.createDeterministic(network, ScriptType.P2WPKH);
        OUT.println("ADDRESS " + wallet.currentReceiveAddress());

        BlockChain chain = new BlockChain(network, wallet,
                new MemoryBlockStore(RegTestParams.get().getGenesisBlock()));
        PeerGroup peers = client == Client.BLOCKING
                ? new BlockingPeerGroup(network, chain, socketFactory(route))
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

        try {
            await(spendable(wallet, chain), timeout, "spendable coins");
        } catch (TimeoutException e) {
            // a missed block and a missed coinbase look alike from outside
            OUT.println("STATE height " + chain.getBestChainHeight() + ", wallet transactions "
                    + wallet.getTransactions(false).size() + ", estimated "
                    + wallet.getBalance(Wallet.BalanceType.ESTIMATED).value + " sat");
            throw e;
        }
        printBalance(wallet);
        if (payments < 0) {
            payOnCommand(peers, wallet, amount);
            return;
        }

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

    /** Pays {@code amount} to the wallet itself on each {@code pay} line of stdin, until {@code stop} or its end. */
    private static void payOnCommand(PeerGroup peers, Wallet wallet, Coin amount) throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int n = 0;
        for (String line; (line = commands.readLine()) != null && !line.strip().equals("stop"); ) {
            if (!line.strip().equals("pay")) {
                throw new IllegalArgumentException("unknown command '" + line + "' (pay, stop)");
            }
            n++;
            OUT.println("PAYING " + n + " " + System.currentTimeMillis());
            Wallet.SendResult sent = wallet.sendCoins(peers, SendRequest.to(wallet.currentReceiveAddress(), amount));
            Transaction tx = sent.transaction();
            OUT.println("SENT " + tx.getTxId());
            sent.getBroadcast().awaitRelayed().thenRun(() -> OUT.println("BROADCAST " + tx.getTxId() + " "
                    + amount.value + " " + tx.getFee().value));
        }
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
        BlockingPeerGroup(BitcoinNetwork network, BlockChain chain, SocketFactory sockets) {
            super(network, chain, new BlockingClientManager(sockets));
        }
    }

    /** The blocking client's sockets for a route (see the class comment). */
    private static SocketFactory socketFactory(String route) throws Exception {
        if (route.equals("direct")) {
            return SocketFactory.getDefault();
        }
        if (route.startsWith("socks=")) {
            String[] hostPort = route.substring(6).split(":");
            Proxy proxy = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
            return new SocketFactory() {
                @Override
                public Socket createSocket() {
                    return new Socket(proxy);
                }

                @Override
                public Socket createSocket(String host, int port) throws IOException {
                    return connectedTo(new InetSocketAddress(host, port));
                }

                @Override
                public Socket createSocket(String host, int port, InetAddress local, int localPort) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Socket createSocket(InetAddress host, int port) throws IOException {
                    return connectedTo(new InetSocketAddress(host, port));
                }

                private Socket connectedTo(InetSocketAddress address) throws IOException {
                    Socket s = createSocket();
                    s.connect(address);
                    return s;
                }

                @Override
                public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) {
                    throw new UnsupportedOperationException();
                }
            };
        }
        if (route.equals("factory")) {
            // the one line an app writes is Bip324SocketFactory.forNetwork(Network.REGTEST); reflection here only
            // because this module compiles without the agent's classes (the wallet JVM gets the shaded jar)
            Class<?> factoryClass = Class.forName("org.bip324shaper.agent.factory.Bip324SocketFactory");
            Object factory = factoryClass.getMethod("forNetwork", org.bip324shaper.core.Network.class)
                    .invoke(null, org.bip324shaper.core.Network.REGTEST);
            Class<?> listenerType = Class.forName("org.bip324shaper.agent.events.ConnectionEvents");
            Object listener = java.lang.reflect.Proxy.newProxyInstance(listenerType.getClassLoader(),
                    new Class<?>[] {listenerType}, (self, method, methodArgs) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return method.getName().equals("equals") ? self == methodArgs[0]
                                    : method.getName().equals("hashCode") ? System.identityHashCode(self) : "events";
                        }
                        printEvent(method.getName(), methodArgs[0]);
                        return null;
                    });
            factoryClass.getMethod("subscribe", listenerType).invoke(factory, listener);
            return (SocketFactory) factory;
        }
        throw new IllegalArgumentException("unknown route " + route);
    }

    private static void printEvent(String kind, Object event) {
        try {
            String id = " id=" + accessor(event, "id");
            if (kind.equals("opened")) {
                OUT.println("EVENT opened" + id + " transport=" + accessor(event, "transport") + " session="
                        + ((java.util.Optional<?>) accessor(event, "sessionId")).map(Object::toString).orElse("-"));
            } else if (kind.equals("closed")) {
                OUT.println("EVENT closed" + id + " transport=" + accessor(event, "transport") + " sent="
                        + accessor(event, "clientToPeer") + " received=" + accessor(event, "peerToClient"));
            } else {
                OUT.println("EVENT " + kind + id);
            }
        } catch (ReflectiveOperationException e) {
            OUT.println("EVENT " + kind + " unreadable: " + e);
        }
    }

    private static Object accessor(Object record, String name) throws ReflectiveOperationException {
        return record.getClass().getMethod(name).invoke(record);
    }
}

package org.bip324shaper.it.node;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.bip324shaper.core.Network;
import org.bip324shaper.driver.MessageTransport;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;

/**
 * A small regtest node for tests: listens on a free loopback port, takes BIP-324 v2 connections as responder and
 * v1 ones (or, with {@link Options#acceptV2} off, v1 only, like Core's {@code -v2transport=0}), serves an SPV
 * wallet from its own {@link RegtestChain}, admits the wallet's transactions into its pool and records every
 * connection's transport and session id. Mining is explicit: {@link #mine}.
 */
public final class RegtestNode implements Closeable {
    private static final Network NETWORK = Network.REGTEST;

    private final Options options;
    private final RegtestChain chain = new RegtestChain();
    private final ServerSocket server;
    private final TransportAcceptor acceptor;
    private final Thread acceptThread;
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final List<PeerConnection> connections = new CopyOnWriteArrayList<>();
    private final List<RegtestChain.Admission> admissions = new CopyOnWriteArrayList<>();
    private final Object changed = new Object();
    private volatile boolean closed;

    /** How the node runs; start from {@link #defaults()}. */
    public record Options(boolean acceptV2, Duration handshakeTimeout) {
        public static Options defaults() {
            return new Options(true, Duration.ofSeconds(10));
        }

        /** v1 only: a v2 initiator's first bytes are a bad magic and the connection is dropped. */
        public Options v1Only() {
            return new Options(false, handshakeTimeout);
        }
    }

    private RegtestNode(Options options) throws IOException {
        this.options = options;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new TransportAcceptor(NETWORK, options.acceptV2(), options.handshakeTimeout());
        this.acceptThread = new Thread(this::acceptLoop, "regtest-node-accept-" + server.getLocalPort());
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    public static RegtestNode start() throws IOException {
        return start(Options.defaults());
    }

    public static RegtestNode start(Options options) throws IOException {
        return new RegtestNode(options);
    }

    public Options options() {
        return options;
    }

    public int port() {
        return server.getLocalPort();
    }

    public RegtestChain chain() {
        return chain;
    }

    public int height() {
        return chain.height();
    }

    // --- mining ------------------------------------------------------------------------------------------------

    /** Mines {@code count} blocks paying {@code to}, the first with the whole pool, and announces them to peers. */
    public List<Block> mine(int count, Address to) {
        return mine(count, ScriptBuilder.createOutputScript(to));
    }

    public List<Block> mine(int count, Script coinbaseScript) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        List<Block> mined = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            mined.add(chain.mine(coinbaseScript, i == 0));
        }
        for (PeerConnection c : connections) {
            try {
                c.announceBlocks(mined);
            } catch (IOException e) {
                c.disconnect();
            }
        }
        signalChange();
        return mined;
    }

    // --- transactions ------------------------------------------------------------------------------------------

    void transactionReceived(PeerConnection from, Transaction tx) {
        RegtestChain.Admission admission = chain.offer(tx);
        admissions.add(admission);
        if (admission instanceof RegtestChain.Accepted) {
            for (PeerConnection c : connections) {
                if (c != from) {
                    try {
                        c.announceTransaction(tx);
                    } catch (IOException e) {
                        c.disconnect();
                    }
                }
            }
        }
        signalChange();
    }

    /** What became of every transaction peers sent, in arrival order. */
    public List<RegtestChain.Admission> admissions() {
        return List.copyOf(admissions);
    }

    public Optional<Transaction> mempoolTransaction(Sha256Hash txid) {
        return chain.mempoolTransaction(txid);
    }

    /** Waits until the pool holds {@code txid}; fails early with the rejection reason if the node refused it. */
    public Transaction awaitMempoolTransaction(Sha256Hash txid, Duration timeout)
            throws InterruptedException, TimeoutException {
        return awaitCondition(() -> {
            for (RegtestChain.Admission a : admissions) {
                if (a instanceof RegtestChain.Rejected r && r.txid().equals(txid)) {
                    throw new IllegalStateException("the node rejected " + txid + ": " + r.reason());
                }
            }
            return chain.mempoolTransaction(txid);
        }, timeout, "transaction " + txid + " in the memory pool");
    }

    // --- connections -------------------------------------------------------------------------------------------

    public List<PeerRecord> peers() {
        List<PeerRecord> records = new ArrayList<>();
        for (PeerConnection c : connections) {
            records.add(c.record());
        }
        return records;
    }

    public PeerRecord awaitPeer(Predicate<PeerRecord> condition, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        return awaitCondition(() -> peers().stream().filter(condition).findFirst(), timeout, what);
    }

    /** Closes every open connection from the node's side. */
    public void disconnectAll() {
        for (PeerConnection c : connections) {
            if (!c.isClosed()) {
                c.disconnect();
            }
        }
    }

    void connectionEnded(PeerConnection c) {
        signalChange();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("regtest node: accept failed: " + e);
                }
                return;
            }
            Thread t = new Thread(() -> serve(socket), "regtest-node-peer-" + socket.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket socket) {
        chain.useContext();
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        MessageTransport channel;
        try {
            channel = acceptor.accept(socket);
        } catch (IOException | RuntimeException e) {
            // Core drops a peer whose handshake fails; the test sees it as a missing connection
            System.err.println("regtest node: handshake with " + remote + " failed: " + e);
            closeQuietly(socket);
            return;
        }
        PeerConnection c = new PeerConnection(connectionIds.incrementAndGet(), remote, channel, this);
        connections.add(c);
        signalChange();
        if (closed) {
            c.disconnect();
            return;
        }
        c.serve();
    }

    // --- waiting -----------------------------------------------------------------------------------------------

    private interface Probe<T> {
        Optional<T> poll();
    }

    private <T> T awaitCondition(Probe<T> probe, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                Optional<T> value = probe.poll();
                if (value.isPresent()) {
                    return value.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no " + what + " within " + timeout + "; peers: " + peers());
                }
                // woken on every change; the timed wait only bounds a missed signal
                changed.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
    }

    private void signalChange() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        disconnectAll();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

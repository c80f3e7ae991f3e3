package org.bip324shaper.it.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324shaper.it.bitcoind.Json;
import org.bip324shaper.it.bitcoind.JsonRpc;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bitcoind backend's RPC use and answer parsing, against a stand-in HTTP server that answers the way
 * bitcoind documents (errors as HTTP 500 with a JSON error object). The real bitcoind runs in BitcoindWalletIT.
 */
class BitcoindBackendTest {
    private static final String TXID = "11".repeat(32);
    private static final String BLOCK = "22".repeat(32);

    private HttpServer server;
    private final List<String> calls = new ArrayList<>();
    private final List<Object> disconnected = new ArrayList<>();
    private final AtomicInteger mempoolMisses = new AtomicInteger(2);
    private final Address wallet = new ECKey().toAddress(ScriptType.P2WPKH, BitcoinNetwork.REGTEST);
    private BitcoindBackend backend;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        backend = new BitcoindBackend(new JsonRpc(server.getAddress().getPort(), "__cookie__", "s3cret"), 18444,
                true, null);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString("__cookie__:s3cret".getBytes(StandardCharsets.UTF_8));
        if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "");
            return;
        }
        Map<?, ?> request = (Map<?, ?>) Json.parse(new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8));
        String method = (String) request.get("method");
        List<?> params = (List<?>) request.get("params");
        calls.add(method);
        String result = switch (method) {
            case "getblockcount" -> "106";
            case "generatetoaddress" -> "[\"" + BLOCK + "\"]";
            case "getblock" -> "{\"tx\":[{\"vout\":[{\"value\":50.00000000,\"scriptPubKey\":{\"address\":\""
                    + wallet + "\"}},"
                    + "{\"value\":0,\"scriptPubKey\":{\"type\":\"nulldata\"}}]}]}";
            case "getrawtransaction" -> mempoolMisses.getAndDecrement() > 0 ? null
                    : "{\"vout\":[{\"value\":1.00000000,\"scriptPubKey\":{\"address\":\"bcrt1qpayee\"}},"
                    + "{\"value\":48.99998590,\"scriptPubKey\":{\"address\":\"bcrt1qchange\"}}]}";
            case "getpeerinfo" -> "[{\"id\":4,\"inbound\":true,\"transport_protocol_type\":\"v2\","
                    + "\"session_id\":\"ab12\",\"subver\":\"/bitcoinj:0.17.1/\"},"
                    + "{\"id\":5,\"inbound\":false,\"transport_protocol_type\":\"v1\",\"session_id\":\"\"},"
                    + "{\"id\":6,\"inbound\":true,\"transport_protocol_type\":\"v1\",\"session_id\":\"\","
                    + "\"subver\":\"/x/\"}]";
            case "disconnectnode" -> {
                disconnected.add(params.get(1));
                yield "null";
            }
            default -> "unknown";
        };
        if (result == null) {
            reply(exchange, 500, "{\"result\":null,\"error\":{\"code\":-5,\"message\":\"No such mempool "
                    + "transaction\"},\"id\":1}");
        } else if (result.equals("unknown")) {
            reply(exchange, 404, "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"},"
                    + "\"id\":1}");
        } else {
            reply(exchange, 200, "{\"result\":" + result + ",\"error\":null,\"id\":1}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void readsPeersMiningAndCoinbasesFromTheRpc() throws IOException {
        assertEquals(106, backend.height());
        assertEquals(List.of(Sha256Hash.wrap(BLOCK)), backend.generateToAddress(1, wallet));
        // 50 BTC in satoshis; the OP_RETURN output has no address
        assertEquals(5_000_000_000L, backend.coinbasePaidTo(Sha256Hash.wrap(BLOCK), wallet));

        List<RegtestBackend.BackendPeer> peers = backend.peers();
        assertEquals(List.of(
                new RegtestBackend.BackendPeer("4", "v2", Optional.of("ab12"), "/bitcoinj:0.17.1/"),
                new RegtestBackend.BackendPeer("6", "v1", Optional.empty(), "/x/")), peers, "inbound only");
        backend.disconnectPeers();
        assertEquals(2, disconnected.size());
        assertEquals("4", disconnected.get(0).toString());
    }

    @Test
    void waitsForTheTransactionToReachTheMempool() throws Exception {
        List<RegtestBackend.TxOutput> outputs = backend.awaitMempool(Sha256Hash.wrap(TXID), Duration.ofSeconds(20));
        assertEquals(List.of(new RegtestBackend.TxOutput(Optional.of("bcrt1qpayee"), 100_000_000L),
                new RegtestBackend.TxOutput(Optional.of("bcrt1qchange"), 4_899_998_590L)), outputs);
        assertEquals(3, calls.stream().filter("getrawtransaction"::equals).count(), "two misses, then found");
    }

    @Test
    void givesUpAfterTheTimeoutAndReportsOtherRpcErrors() {
        mempoolMisses.set(Integer.MAX_VALUE);
        assertThrows(TimeoutException.class,
                () -> backend.awaitMempool(Sha256Hash.wrap(TXID), Duration.ofMillis(300)));
        JsonRpc rpc = new JsonRpc(server.getAddress().getPort(), "__cookie__", "s3cret");
        JsonRpc.RpcException e = assertThrows(JsonRpc.RpcException.class, () -> rpc.call("nosuchmethod"));
        assertEquals(-32601, e.code());
        JsonRpc wrongPassword = new JsonRpc(server.getAddress().getPort(), "__cookie__", "wrong");
        IOException denied = assertThrows(IOException.class, () -> wrongPassword.call("getblockcount"));
        assertTrue(denied.getMessage().contains("401"), denied.getMessage());
        assertTrue(!denied.getMessage().contains("wrong"), "the password never appears in messages");
    }
}

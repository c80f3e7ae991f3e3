package org.bip324shaper.it.bitcoind;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** bitcoind's JSON-RPC over plain {@link HttpURLConnection} with basic authentication. */
public final class JsonRpc {
    /** bitcoind's answers here are small (a block with a few transactions at most); anything larger is refused. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final URL url;
    private final String authorization;
    private final AtomicLong ids = new AtomicLong();

    public JsonRpc(int port, String user, String password) {
        try {
            this.url = URI.create("http://127.0.0.1:" + port + "/").toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** An RPC error reply: bitcoind's code and message (e.g. -28 while warming up, -5 for unknown ids). */
    public static final class RpcException extends IOException {
        private final int code;

        RpcException(int code, String message) {
            super("RPC error " + code + ": " + message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** Calls {@code method} and returns its {@code result} (see {@link Json} for the types). */
    public Object call(String method, Object... params) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "1.0");
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        request.put("params", List.of(params));
        byte[] body = Json.write(request).getBytes(StandardCharsets.UTF_8);

        HttpURLConnection http = (HttpURLConnection) url.openConnection();
        try {
            http.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            http.setReadTimeout(READ_TIMEOUT_MILLIS);
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setRequestProperty("Authorization", authorization);
            http.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = http.getOutputStream()) {
                out.write(body);
            }
            int status = http.getResponseCode();
            // bitcoind answers RPC errors with HTTP 404/500 and a JSON body
            InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream();
            if (in == null) {
                throw new IOException(method + ": HTTP " + status + " without a body");
            }
            String text;
            try (in) {
                text = new String(readCapped(in), StandardCharsets.UTF_8);
            }
            Object parsed;
            try {
                parsed = Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IOException(method + ": HTTP " + status + ", not JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> reply)) {
                throw new IOException(method + ": reply is not an object");
            }
            Object error = reply.get("error");
            if (error instanceof Map<?, ?> e) {
                Object code = e.get("code");
                throw new RpcException(code instanceof Number n ? n.intValue() : 0, String.valueOf(e.get("message")));
            }
            if (status >= 400) {
                throw new IOException(method + ": HTTP " + status);
            }
            return reply.get("result");
        } finally {
            http.disconnect();
        }
    }

    static byte[] readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            if (out.size() + n > MAX_RESPONSE_BYTES) {
                throw new IOException("RPC response larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}

package org.bip324shaper.bench;

import java.security.SecureRandom;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.crypto.SessionKeys;

/**
 * The handshake crypto of the first connection in a fresh JVM, before the JIT has compiled anything: ellswift_create
 * (keygen + XElligatorSwift), then the ECDH from the peer's 64 wire bytes, then the key schedule. JMH measures the
 * warm cost ({@code HandshakeCrypto}); this measures what the first v2 connection of a wallet pays. Run each in a new
 * JVM, e.g. {@code for i in $(seq 10); do java -cp bench/target/benchmarks.jar
 * org.bip324shaper.bench.ColdHandshakeCrypto; done}. Prints one line: milliseconds for keygen, ecdh, keys, total.
 */
public final class ColdHandshakeCrypto {
    private ColdHandshakeCrypto() {
    }

    public static void main(String[] args) {
        // The peer's wire bytes are fixed so that no key generation runs before the measured one.
        byte[] theirs = org.bip324shaper.core.Hex.decode("ca3b06a7cdc3bfd5f3e2a8a4ff9ef2ee7468b7b4c3d58ee1a24c1a63e8f2a4a6"
                + "53a2a3bb3dd1a96feb7ad7e5f0e6a2a6e39c8c3a44c0f1d2b8bb2e0f1dde6781");
        SecureRandom random = new SecureRandom();
        random.nextBytes(new byte[32]); // seed the RNG outside the measurement: the agent's pool does the same
        long t0 = System.nanoTime();
        EllSwiftPrivateKey ours = EllSwiftPrivateKey.generate(random);
        long t1 = System.nanoTime();
        byte[] secret = ours.bip324SharedSecret(EllSwiftPublicKey.fromBytes(theirs), true);
        long t2 = System.nanoTime();
        SessionKeys keys = SessionKeys.derive(secret, Network.MAINNET, true);
        long t3 = System.nanoTime();
        ours.destroy();
        if (keys.sessionId().length != 32) {
            throw new AssertionError("no session id");
        }
        System.out.printf("keygen_ms %.1f ecdh_ms %.1f keys_ms %.1f total_ms %.1f%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6);
    }
}

package org.bip324shaper.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * All the crypto one side of a BIP-324 handshake does: ellswift_create, the ECDH from the peer's 64 wire bytes and
 * the HKDF key schedule. The budget is 210 us (about 3x libsecp256k1's ellswift_create + ellswift_xdh).
 * Run: {@code java -jar bench/target/benchmarks.jar HandshakeCrypto}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandshakeCryptoBenchmark {
    private SecureRandom random;
    private byte[] theirWireBytes;

    @Setup
    public void setUp() {
        random = new SecureRandom();
        theirWireBytes = EllSwiftPrivateKey.generate(random).publicKey().toBytes();
    }

    @Benchmark
    public SessionKeys handshakeCrypto() {
        EllSwiftPrivateKey ours = EllSwiftPrivateKey.generate(random);
        byte[] secret = ours.bip324SharedSecret(EllSwiftPublicKey.fromBytes(theirWireBytes), true);
        ours.destroy();
        return SessionKeys.derive(secret, Network.MAINNET, true);
    }

    /** The key schedule alone: HKDF extract + 6 expands. */
    @Benchmark
    public SessionKeys keySchedule() {
        return SessionKeys.derive(theirWireBytes, Network.MAINNET, true);
    }
}

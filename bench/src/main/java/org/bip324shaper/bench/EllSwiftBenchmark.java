package org.bip324shaper.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.crypto.ElligatorSwift;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The asymmetric half of a BIP-324 handshake: creating an ephemeral key with its ElligatorSwift encoding, and the ECDH
 * from the peer's 64 wire bytes to the shared secret. Run: {@code java -jar bench/target/benchmarks.jar EllSwift}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EllSwiftBenchmark {
    private SecureRandom random;
    private EllSwiftPrivateKey ours;
    private byte[] theirWireBytes;
    private byte[] x;

    @Setup
    public void setUp() {
        random = new SecureRandom();
        ours = EllSwiftPrivateKey.generate(random);
        theirWireBytes = EllSwiftPrivateKey.generate(random).publicKey().toBytes();
        x = ours.publicKey().xCoordinate();
    }

    /** ellswift_create: random secret, secret*G, XElligatorSwift. */
    @Benchmark
    public EllSwiftPrivateKey create() {
        return EllSwiftPrivateKey.generate(random);
    }

    /** v2_ecdh from the wire bytes: decode (not cached: a fresh key object), lift_x, secret*P, tagged hash. */
    @Benchmark
    public byte[] ecdh() {
        return ours.bip324SharedSecret(EllSwiftPublicKey.fromBytes(theirWireBytes), true);
    }

    /** XSwiftEC alone. */
    @Benchmark
    public byte[] decode() {
        return ElligatorSwift.decode(theirWireBytes);
    }

    /** XElligatorSwift alone. */
    @Benchmark
    public byte[] encode() {
        return ElligatorSwift.encode(x, random);
    }
}

package org.bip324shaper.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.bip324shaper.core.internal.packet.Packet;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.core.internal.packet.PacketEncoder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encrypting and decrypting one BIP-324 packet (length field, header, contents, tag) per operation, for each AEAD
 * backend and contents size.
 *
 * <p>Besides ops/us, every result carries a secondary {@code contentBytes} rate in bytes/us, which is MB/s (10^6 B/s)
 * of contents, the unit {@code bench/openssl-speed.sh} prints for {@code openssl speed -evp chacha20-poly1305}.
 * Run with e.g. {@code java -jar bench/target/benchmarks.jar PacketCipher -f 1 -wi 3 -i 3 -w 1 -r 1}.
 *
 * <p>Decryption needs a fresh ciphertext for every packet counter, so the state pre-encodes a ring of packets (about
 * 16 MiB, between 8 and 65536 packets, so that rekeys are included) and starts a new decoder each time the ring wraps;
 * that restart is amortised over the ring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PacketCipherBenchmark {
    @Param({"32", "256", "4096", "1048576"})
    public int size;

    @Param({"BOUNCY_CASTLE", "JDK"})
    public AeadBackend backend;

    private SessionKeys keys;
    private PacketEncoder encoder;
    private ByteBuffer contents;
    private ByteBuffer wire;

    private ByteBuffer[] ring;
    private int next;
    private PacketDecoder decoder;

    /** Contents bytes processed, reported by JMH as a rate: bytes/us = MB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Throughput {
        public long contentBytes;

        @Setup(Level.Iteration)
        public void reset() {
            contentBytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        byte[] secret = new byte[32];
        new Random(324).nextBytes(secret);
        keys = SessionKeys.derive(secret, Network.MAINNET, true);
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        contents = ByteBuffer.wrap(data);
        wire = ByteBuffer.allocate(PacketEncoder.wireLength(size));
        encoder = PacketEncoder.sending(keys, backend);

        int wireLength = PacketEncoder.wireLength(size);
        int packets = Math.max(8, Math.min(65_536, (16 << 20) / wireLength));
        PacketEncoder ringEncoder = PacketEncoder.sending(keys, backend);
        ring = new ByteBuffer[packets];
        for (int i = 0; i < packets; i++) {
            ring[i] = ByteBuffer.wrap(ringEncoder.encode(data, false, null));
        }
        restartDecoder();
    }

    private void restartDecoder() {
        decoder = PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), PacketEncoder.MAX_CONTENTS, backend);
        next = 0;
    }

    @Benchmark
    public int encrypt(Throughput throughput) {
        contents.rewind();
        wire.clear();
        int n = encoder.encode(contents, false, null, wire);
        throughput.contentBytes += size;
        return n;
    }

    @Benchmark
    public Packet decrypt(Throughput throughput) throws Bip324Exception {
        if (next == ring.length) {
            restartDecoder();
        }
        ByteBuffer packet = ring[next++];
        packet.rewind();
        Packet p = decoder.decode(packet);
        throughput.contentBytes += size;
        return p;
    }
}

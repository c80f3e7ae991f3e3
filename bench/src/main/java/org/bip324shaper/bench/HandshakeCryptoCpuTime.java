package org.bip324shaper.bench;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.bip324shaper.core.crypto.EllSwiftPublicKey;
import org.bip324shaper.core.internal.crypto.SessionKeys;

/**
 * {@link HandshakeCryptoBenchmark} and {@link EllSwiftBenchmark}'s create and ecdh, warm, timed by the JVM's CPU time
 * (see {@link PacketCipherCpuTime} for why): microseconds per operation, median and best of 15 rounds of about 0.2
 * CPU-seconds, after 3 CPU-seconds of warm-up each.
 * Run: {@code java -cp bench/target/benchmarks.jar org.bip324shaper.bench.HandshakeCryptoCpuTime}.
 */
public final class HandshakeCryptoCpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private HandshakeCryptoCpuTime() {
    }

    public static void main(String[] args) {
        SecureRandom random = new SecureRandom();
        byte[] theirs = EllSwiftPrivateKey.generate(random).publicKey().toBytes();
        EllSwiftPrivateKey ours = EllSwiftPrivateKey.generate(random);
        Object[] sink = new Object[1];
        System.out.printf("%-16s %10s %10s   (us per operation, JVM CPU time, JDK %s)%n", "operation", "median", "best",
                Runtime.version());
        report("create", () -> sink[0] = EllSwiftPrivateKey.generate(random));
        report("ecdh", () -> sink[0] = ours.bip324SharedSecret(EllSwiftPublicKey.fromBytes(theirs), true));
        report("handshakeCrypto", () -> {
            EllSwiftPrivateKey k = EllSwiftPrivateKey.generate(random);
            byte[] secret = k.bip324SharedSecret(EllSwiftPublicKey.fromBytes(theirs), true);
            k.destroy();
            sink[0] = SessionKeys.derive(secret, Network.MAINNET, true);
        });
        if (sink[0] == null) {
            throw new AssertionError();
        }
    }

    private static void report(String name, Runnable task) {
        long warmEnd = cpu() + 3_000_000_000L;
        while (cpu() < warmEnd) {
            task.run();
        }
        double[] micros = new double[15];
        for (int r = 0; r < micros.length; r++) {
            long ops = 0;
            long start = cpu();
            long now;
            do {
                for (int i = 0; i < 50; i++) {
                    task.run();
                }
                ops += 50;
                now = cpu();
            } while (now - start < 200_000_000L);
            micros[r] = (now - start) / 1e3 / ops;
        }
        Arrays.sort(micros);
        System.out.printf("%-16s %10.1f %10.1f%n", name, micros[micros.length / 2], micros[0]);
    }

    private static long cpu() {
        return OS.getProcessCpuTime();
    }
}

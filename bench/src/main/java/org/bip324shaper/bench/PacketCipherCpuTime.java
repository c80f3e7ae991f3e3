package org.bip324shaper.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.crypto.AeadBackend;
import org.bip324shaper.core.internal.crypto.SessionKeys;
import org.bip324shaper.core.internal.packet.PacketDecoder;
import org.bip324shaper.core.internal.packet.PacketEncoder;

/**
 * {@link PacketCipherBenchmark}'s encrypt and decrypt, timed by the JVM's CPU time instead of the wall clock, in MB/s
 * of contents per CPU-second: the unit {@code openssl speed} reports by default (it divides by its own user CPU time).
 * On a machine shared with other work, wall-clock rates of both sides fall with the load, unevenly; CPU-time rates do
 * not, so this is the comparison that holds there. Prints, per size and operation, the median and the best of 15
 * rounds of about 0.2 CPU-seconds each, after 3 CPU-seconds of warm-up per case.
 * Run: {@code java -cp bench/target/benchmarks.jar org.bip324shaper.bench.PacketCipherCpuTime [sizes...]}.
 */
public final class PacketCipherCpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private PacketCipherCpuTime() {
    }

    public static void main(String[] args) throws Bip324Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {32, 256, 4096, 1048576};
        byte[] secret = new byte[32];
        new Random(324).nextBytes(secret);
        SessionKeys keys = SessionKeys.derive(secret, Network.MAINNET, true);
        AeadBackend backend = AeadBackend.JDK;
        System.out.printf("%-8s %-8s %14s %14s   (MB/s of contents per CPU-second, %s, JDK %s)%n", "size", "op",
                "median", "best", backend, Runtime.version());
        for (int size : sizes) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            ByteBuffer contents = ByteBuffer.wrap(data);
            ByteBuffer wire = ByteBuffer.allocate(PacketEncoder.wireLength(size));
            PacketEncoder encoder = PacketEncoder.sending(keys, backend);
            Runnable encrypt = () -> {
                contents.rewind();
                wire.clear();
                encoder.encode(contents, false, null, wire);
            };
            report(size, "encrypt", encrypt);

            int packets = Math.max(8, Math.min(65_536, (16 << 20) / PacketEncoder.wireLength(size)));
            PacketEncoder ringEncoder = PacketEncoder.sending(keys, backend);
            ByteBuffer[] ring = new ByteBuffer[packets];
            for (int i = 0; i < packets; i++) {
                ring[i] = ByteBuffer.wrap(ringEncoder.encode(data, false, null));
            }
            PacketDecoder[] decoder = {newDecoder(keys, backend)};
            int[] next = {0};
            Runnable decrypt = () -> {
                if (next[0] == ring.length) {
                    decoder[0] = newDecoder(keys, backend);
                    next[0] = 0;
                }
                ByteBuffer packet = ring[next[0]++];
                packet.rewind();
                try {
                    if (decoder[0].decode(packet) == null) {
                        throw new AssertionError("incomplete packet");
                    }
                } catch (Bip324Exception e) {
                    throw new AssertionError(e);
                }
            };
            report(size, "decrypt", decrypt);
        }
    }

    private static PacketDecoder newDecoder(SessionKeys keys, AeadBackend backend) {
        return PacketDecoder.withKeys(keys.sendLengthKey(), keys.sendPacketKey(), PacketEncoder.MAX_CONTENTS, backend);
    }

    private static void report(int size, String op, Runnable task) {
        long batch = Math.max(1, (1 << 20) / (size + 64));
        long warmEnd = cpu() + 3_000_000_000L;
        while (cpu() < warmEnd) {
            for (long i = 0; i < batch; i++) {
                task.run();
            }
        }
        double[] rates = new double[15];
        for (int r = 0; r < rates.length; r++) {
            long ops = 0;
            long start = cpu();
            long end = start + 200_000_000L;
            long now;
            do {
                for (long i = 0; i < batch; i++) {
                    task.run();
                }
                ops += batch;
                now = cpu();
            } while (now < end);
            rates[r] = (double) ops * size * 1e3 / (now - start); // bytes per ns * 1e3 = MB/s
        }
        Arrays.sort(rates);
        System.out.printf("%-8d %-8s %14.1f %14.1f%n", size, op, rates[rates.length / 2], rates[rates.length - 1]);
    }

    /** CPU time of the whole JVM, so that garbage collection and compilation count against us too. */
    private static long cpu() {
        return OS.getProcessCpuTime();
    }
}

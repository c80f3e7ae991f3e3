package org.bip324shaper.core.testing;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Writes the seed corpora of fuzz test classes into Jazzer's layout,
 * {@code <module>/src/test/resources/<package>/<Class>Inputs/<method>/<name>}. Each class lists its seeds in a
 * {@code static Map<String, byte[]> seeds()} keyed {@code "<method>/<name>"}. The checked-in seeds came from:
 * <pre>
 * java -cp "$(cat cp.txt)" org.bip324shaper.core.testing.FuzzSeedWriter MODULE_DIR CLASS...
 * </pre>
 * with the module's test class path (plus core's test classes for this class).
 */
public final class FuzzSeedWriter {
    private FuzzSeedWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            Class<?> fuzzTest = Class.forName(args[i]);
            Method seeds = fuzzTest.getDeclaredMethod("seeds");
            seeds.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, byte[]> corpus = (Map<String, byte[]>) seeds.invoke(null);
            Path inputs = module.resolve("src/test/resources")
                    .resolve(fuzzTest.getPackageName().replace('.', '/'))
                    .resolve(fuzzTest.getSimpleName() + "Inputs");
            for (Map.Entry<String, byte[]> seed : corpus.entrySet()) {
                Path file = inputs.resolve(seed.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, seed.getValue());
            }
            System.out.println(fuzzTest.getSimpleName() + ": " + corpus.size() + " seeds in " + inputs);
        }
    }

    /** Repeatable pseudo-random bytes, for targets that read their input through a FuzzedDataProvider. */
    public static byte[] randomBytes(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code head} followed by {@code body}. */
    public static byte[] concat(byte[] head, byte[] body) {
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** Adds the FuzzedDataProvider seeds every such target gets: random inputs of a few lengths and all zeros. */
    public static void addRandomSeeds(Map<String, byte[]> seeds, String method) {
        int[] lengths = {16, 64, 256, 1024};
        for (int i = 0; i < lengths.length; i++) {
            seeds.put(method + "/random-" + lengths[i], randomBytes(1000 + i, lengths[i]));
        }
        seeds.put(method + "/zeros-64", new byte[64]);
    }
}

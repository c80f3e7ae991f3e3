package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * The shipped table of multiples of G against BouncyCastle's reference arithmetic, entry by entry, and the
 * multiplication over it against BouncyCastle's reference multiplication, including the scalars whose window digits
 * sit at the recoding's edges. Run with {@code -Dbip324.writeGeneratorTable=true} to regenerate the resource.
 */
class GeneratorTableTest {
    private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");
    private static final Path SOURCE = Path.of("src/main/resources/org/bip324shaper/core/crypto",
            GeneratorMultiplier.RESOURCE);

    @Test
    void everyEntryIsTheMultipleOfGItClaimsToBe() throws IOException {
        byte[] expected = computeTable();
        if (Boolean.getBoolean("bip324.writeGeneratorTable")) {
            Files.write(SOURCE, expected);
        }
        byte[] shipped;
        try (InputStream in = GeneratorMultiplier.class.getResourceAsStream(GeneratorMultiplier.RESOURCE)) {
            shipped = in.readAllBytes();
        }
        assertEquals(expected.length, shipped.length);
        assertArrayEquals(expected, shipped);
        int[] loaded = GeneratorMultiplier.load();
        assertArrayEquals(ints(expected), loaded);
    }

    @Test
    void matchesReferenceMultiplication() {
        Random random = new Random(7);
        BigInteger n = SECP256K1.getN();
        BigInteger[] edges = {
            BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(63), BigInteger.valueOf(64), BigInteger.valueOf(65),
            BigInteger.valueOf(127), BigInteger.valueOf(128), n.subtract(BigInteger.ONE), n.subtract(BigInteger.TWO),
            n.shiftRight(1), BigInteger.ONE.shiftLeft(255), BigInteger.ONE.shiftLeft(252).subtract(BigInteger.ONE),
            new BigInteger("40".repeat(32), 16), new BigInteger("3f".repeat(32), 16), // every digit +-64 / 63
        };
        for (int i = 0; i < edges.length + 200; i++) {
            BigInteger k = i < edges.length ? edges[i] : new BigInteger(256, random).mod(n.subtract(BigInteger.ONE))
                    .add(BigInteger.ONE);
            byte[] secret = fixed32(k);
            ECPoint expected = ECAlgorithms.referenceMultiply(SECP256K1.getG(), k).normalize();
            assertArrayEquals(expected.getAffineXCoord().getEncoded(), GeneratorMultiplier.publicX(secret).toBytes(),
                    "k = " + k.toString(16));
        }
    }

    /** m * 2^(7i) * G for i in 0..WINDOWS-1 and m in 1..HALF, affine, each as x then y in little-endian limbs. */
    private static byte[] computeTable() {
        int points = GeneratorMultiplier.WINDOWS * GeneratorMultiplier.HALF;
        ByteBuffer out = ByteBuffer.allocate(points * GeneratorMultiplier.POINT_INTS * 4);
        ECPoint base = SECP256K1.getG();
        for (int i = 0; i < GeneratorMultiplier.WINDOWS; i++) {
            ECPoint multiple = base;
            for (int m = 1; m <= GeneratorMultiplier.HALF; m++) {
                ECPoint p = multiple.normalize();
                putLimbs(out, p.getAffineXCoord().toBigInteger());
                putLimbs(out, p.getAffineYCoord().toBigInteger());
                multiple = multiple.add(base);
            }
            base = base.timesPow2(GeneratorMultiplier.WINDOW_BITS).normalize();
        }
        return out.array();
    }

    private static void putLimbs(ByteBuffer out, BigInteger v) {
        byte[] be = fixed32(v);
        for (int limb = 0; limb < 8; limb++) {
            int p = 28 - 4 * limb;
            out.putInt((be[p] & 0xff) << 24 | (be[p + 1] & 0xff) << 16 | (be[p + 2] & 0xff) << 8 | (be[p + 3] & 0xff));
        }
    }

    private static int[] ints(byte[] bytes) {
        int[] out = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).asIntBuffer().get(out);
        return out;
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - len, out, 32 - len, len);
        return out;
    }
}

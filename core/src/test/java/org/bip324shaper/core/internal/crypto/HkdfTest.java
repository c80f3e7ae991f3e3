package org.bip324shaper.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bip324shaper.core.Hex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5869 appendix A test cases 1-3 (SHA-256), truncated to the 32 bytes BIP-324 expands to. */
class HkdfTest {
    @ParameterizedTest(name = "RFC 5869 case {index}")
    @CsvSource({
        "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, 000102030405060708090a0b0c, f0f1f2f3f4f5f6f7f8f9,"
                + "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5,"
                + "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
                + "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f,"
                + "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
                + "909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf,"
                + "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                + "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff,"
                + "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244,"
                + "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c",
        "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, '', '',"
                + "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04,"
                + "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d",
    })
    void matchesRfc5869(String ikm, String salt, String info, String prk, String okm32) {
        Hkdf hkdf = new Hkdf();
        byte[] extracted = hkdf.extract(Hex.decode(salt), Hex.decode(ikm));
        assertEquals(prk, Hex.encode(extracted));
        byte[] out = new byte[40];
        hkdf.expand32(extracted, Hex.decode(info), out, 5);
        assertEquals(okm32, Hex.encode(java.util.Arrays.copyOfRange(out, 5, 37)));
        assertEquals("0000000000", Hex.encode(java.util.Arrays.copyOfRange(out, 0, 5)));
        assertEquals("000000", Hex.encode(java.util.Arrays.copyOfRange(out, 37, 40)));
    }
}

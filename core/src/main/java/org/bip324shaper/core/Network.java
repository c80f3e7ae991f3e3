package org.bip324shaper.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The bitcoin networks this library knows. The 4-byte magic starts every v1 message and is part of the
 * BIP-324 HKDF salt, so a v2 session is bound to one network.
 */
public enum Network {
    MAINNET("main", 0xf9beb4d9, 8333),
    TESTNET3("test", 0x0b110907, 18333),
    TESTNET4("testnet4", 0x1c163f28, 48333),
    SIGNET("signet", 0x0a03cf40, 38333),
    REGTEST("regtest", 0xfabfb5da, 18444);

    private final String id;
    private final int magic;
    private final int defaultPort;

    Network(String id, int magic, int defaultPort) {
        this.id = id;
        this.magic = magic;
        this.defaultPort = defaultPort;
    }

    /** Bitcoin Core's chain name: main, test, testnet4, signet, regtest. */
    public String id() {
        return id;
    }

    /** The magic as a big-endian int, e.g. 0xf9beb4d9 for mainnet. */
    public int magic() {
        return magic;
    }

    /** The magic as the 4 bytes that go on the wire. */
    public byte[] magicBytes() {
        return new byte[] {(byte) (magic >>> 24), (byte) (magic >>> 16), (byte) (magic >>> 8), (byte) magic};
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The network whose magic is the first 4 bytes of {@code bytes} from {@code offset}, if any. */
    public static Optional<Network> fromMagic(byte[] bytes, int offset) {
        if (bytes.length - offset < 4) {
            return Optional.empty();
        }
        int m = ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
        return fromMagic(m);
    }

    public static Optional<Network> fromMagic(int magic) {
        return Arrays.stream(values()).filter(n -> n.magic == magic).findFirst();
    }

    /** Parses a name as Bitcoin Core or bitcoinj spell it (main/mainnet, test/testnet/testnet3, testnet4, signet, regtest). */
    public static Network parse(String name) {
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "main": case "mainnet": return MAINNET;
            case "test": case "testnet": case "testnet3": return TESTNET3;
            case "testnet4": return TESTNET4;
            case "signet": return SIGNET;
            case "regtest": return REGTEST;
            default:
                throw new IllegalArgumentException("unknown network '" + name
                        + "' (expected one of main, test, testnet4, signet, regtest)");
        }
    }
}

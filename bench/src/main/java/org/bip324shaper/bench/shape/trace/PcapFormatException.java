package org.bip324shaper.bench.shape.trace;

import java.io.IOException;

/** A capture file that is not valid classic pcap, or holds something this importer refuses. */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public PcapFormatException(String message) {
        super(message);
    }
}

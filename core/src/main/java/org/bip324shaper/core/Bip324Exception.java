package org.bip324shaper.core;

import java.io.IOException;

/**
 * Root of every error the BIP-324 engine reports. A session that threw one is finished: the caller closes the
 * connection. Messages never contain keys or message contents.
 */
public class Bip324Exception extends IOException {
    public Bip324Exception(String message) {
        super(message);
    }

    public Bip324Exception(String message, Throwable cause) {
        super(message, cause);
    }
}

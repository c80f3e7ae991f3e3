package org.bip324shaper.core;

/** Bytes that decrypted or framed correctly but do not form a valid message (bad type, checksum, layout). */
public class MalformedMessageException extends Bip324Exception {
    public MalformedMessageException(String message) {
        super(message);
    }
}

package org.bip324shaper.core.engine;

/**
 * What one {@link ShapedEngine#receive} call did, in the manner of {@code SSLEngineResult} and rustls' {@code IoState}:
 * a driver learns its progress from here, not from buffer positions.
 *
 * @param bytesConsumed how many bytes of the source buffer the engine took (0 only when it has a message waiting
 *                      to be polled, key work is outstanding, or the source was empty: a driver never needs to guard
 *                      against spinning)
 * @param messagesReady genuine messages waiting in {@link ShapedEngine#pollContents()} / {@code pollMessage()}
 * @param wantsWrite    the engine has writes for {@link ShapedEngine#pollOutbound()} (the handshake's reply, for one)
 * @param established   the handshake is complete
 * @param needsTask     delegated key work is outstanding ({@link ShapedEngine#pollTask()}): the engine takes no more
 *                      bytes until it has run
 */
public record ReceiveStatus(int bytesConsumed, int messagesReady, boolean wantsWrite, boolean established,
                            boolean needsTask) {
}

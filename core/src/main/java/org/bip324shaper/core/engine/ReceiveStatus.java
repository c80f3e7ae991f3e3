package org.bip324shaper.core.engine;

/**
 * What one {@link ShapedEngine#receive} call did, in the manner of {@code SSLEngineResult} and rustls' {@code IoState}:
 * a driver learns its progress from here, not from buffer positions.
 *
 * @param bytesConsumed how many bytes of the source buffer the engine took (0 only when it has a message waiting
 *                      to be polled, or the source was empty: a driver never needs to guard against spinning)
 * @param messagesReady genuine messages waiting in {@link ShapedEngine#pollContents()} / {@code pollMessage()}
 * @param wantsWrite    the engine has writes for {@link ShapedEngine#pollOutbound()} (the handshake's reply, for one)
 * @param established   the handshake is complete
 */
public record ReceiveStatus(int bytesConsumed, int messagesReady, boolean wantsWrite, boolean established) {
}
